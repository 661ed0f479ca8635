"""A pre-norm Transformer encoder-decoder laid out the way CTranslate2's TransformerSpec is.

One embedding matrix is shared by the encoder, the decoder and the output layer
(the vocabulary is one joint SentencePiece model), so it is stored once. Needs
only PyTorch: this module runs on the GPU machine too.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

LAYER_NORM_EPS = 1e-6
PAD_ID = 3  # SentencePiece ids: <unk> 0, <s> 1, </s> 2, <pad> 3
BOS_ID = 1
EOS_ID = 2


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    d_model: int = 512
    heads: int = 8
    ff: int = 2048
    encoder_layers: int = 6
    decoder_layers: int = 6
    dropout: float = 0.1
    max_positions: int = 1024

    def as_dict(self) -> dict:
        return asdict(self)


def sinusoids(positions: int, dim: int) -> torch.Tensor:
    """The [sin | cos] table CTranslate2 computes itself (positions count from 1), so it is not exported."""
    half = dim // 2
    scale = math.log(10000) / (half - 1)
    inv = torch.exp(torch.arange(half, dtype=torch.float32) * -scale)
    angles = torch.arange(1, positions + 1, dtype=torch.float32)[:, None] * inv[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class Attention(nn.Module):
    def __init__(self, d_model: int, heads: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.dropout = dropout
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.out = nn.Linear(d_model, d_model)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        return x.view(batch, length, self.heads, width // self.heads).transpose(1, 2)

    def forward(
        self,
        x: torch.Tensor,
        memory: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
        causal: bool = False,
    ) -> torch.Tensor:
        source = x if memory is None else memory
        q, k, v = self._split(self.query(x)), self._split(self.key(source)), self._split(self.value(source))
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0
        )
        batch, heads, length, width = y.shape
        return self.out(y.transpose(1, 2).reshape(batch, length, heads * width))


class FeedForward(nn.Module):
    def __init__(self, d_model: int, ff: int, dropout: float):
        super().__init__()
        self.norm = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.inner = nn.Linear(d_model, ff)
        self.outer = nn.Linear(ff, d_model)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.outer(self.dropout(F.relu(self.inner(self.norm(x)))))


class EncoderLayer(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.self_norm = nn.LayerNorm(c.d_model, eps=LAYER_NORM_EPS)
        self.self_attention = Attention(c.d_model, c.heads, c.dropout)
        self.ffn = FeedForward(c.d_model, c.ff, c.dropout)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = x + self.dropout(self.self_attention(self.self_norm(x), mask=mask))
        return x + self.dropout(self.ffn(x))


class DecoderLayer(nn.Module):
    def __init__(self, c: ModelConfig):
        super().__init__()
        self.self_norm = nn.LayerNorm(c.d_model, eps=LAYER_NORM_EPS)
        self.self_attention = Attention(c.d_model, c.heads, c.dropout)
        self.cross_norm = nn.LayerNorm(c.d_model, eps=LAYER_NORM_EPS)
        self.cross_attention = Attention(c.d_model, c.heads, c.dropout)
        self.ffn = FeedForward(c.d_model, c.ff, c.dropout)
        self.dropout = nn.Dropout(c.dropout)

    def forward(self, y: torch.Tensor, memory: torch.Tensor, memory_mask: torch.Tensor) -> torch.Tensor:
        y = y + self.dropout(self.self_attention(self.self_norm(y), causal=True))
        y = y + self.dropout(self.cross_attention(self.cross_norm(y), memory=memory, mask=memory_mask))
        return y + self.dropout(self.ffn(y))


class Transformer(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.d_model, padding_idx=PAD_ID)
        nn.init.normal_(self.embedding.weight, std=config.d_model**-0.5)
        self.register_buffer("positions", sinusoids(config.max_positions, config.d_model), persistent=False)
        self.encoder = nn.ModuleList(EncoderLayer(config) for _ in range(config.encoder_layers))
        self.encoder_norm = nn.LayerNorm(config.d_model, eps=LAYER_NORM_EPS)
        self.decoder = nn.ModuleList(DecoderLayer(config) for _ in range(config.decoder_layers))
        self.decoder_norm = nn.LayerNorm(config.d_model, eps=LAYER_NORM_EPS)
        self.dropout = nn.Dropout(config.dropout)

    def _embed(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embedding(ids) * math.sqrt(self.config.d_model)
        return self.dropout(x + self.positions[: ids.shape[1]])

    def encode(self, source: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mask = (source != PAD_ID)[:, None, None, :]  # True where attention may look
        x = self._embed(source)
        for layer in self.encoder:
            x = layer(x, mask)
        return self.encoder_norm(x), mask

    def forward(self, source: torch.Tensor, target_in: torch.Tensor) -> torch.Tensor:
        memory, mask = self.encode(source)
        y = self._embed(target_in)
        for layer in self.decoder:
            y = layer(y, memory, mask)
        return F.linear(self.decoder_norm(y), self.embedding.weight)

"""Training: token-bucketed batches, label smoothing, warm-up then inverse-sqrt decay, an EMA of the weights.

Runs until a step or time budget is spent and saves its checkpoint at every
evaluation (atomically), so a run cut off early still leaves a usable model.
Needs only PyTorch and numpy.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from model import BOS_ID, EOS_ID, PAD_ID, ModelConfig, Transformer


@dataclass(frozen=True)
class TrainConfig:
    batch_tokens: int = 25000
    max_tokens_per_sentence: int = 200
    learning_rate: float = 1e-3
    warmup_steps: int = 2000
    label_smoothing: float = 0.1
    ema_decay: float = 0.999
    max_steps: int = 100000
    max_minutes: float = 60.0
    eval_every: int = 500
    seed: int = 1


class Corpus:
    """Encoded pairs (flat ids + offsets per side) and batching by token count."""

    def __init__(self, src: tuple[np.ndarray, np.ndarray], tgt: tuple[np.ndarray, np.ndarray], max_len: int):
        self.src_ids, self.src_off = src
        self.tgt_ids, self.tgt_off = tgt
        src_len = np.diff(self.src_off)
        tgt_len = np.diff(self.tgt_off) + 1  # + <s> or </s>
        keep = (src_len > 0) & (src_len <= max_len) & (tgt_len <= max_len + 1)
        self.index = np.nonzero(keep)[0]
        self.src_len = src_len[self.index]
        self.tgt_len = tgt_len[self.index]

    def __len__(self) -> int:
        return len(self.index)

    def batches(self, batch_tokens: int, rng: np.random.Generator) -> list[np.ndarray]:
        """Positions grouped by length so that each padded batch holds about `batch_tokens`."""
        noise = rng.random(len(self.index))  # shuffles within equal lengths
        order = np.lexsort((noise, self.tgt_len, self.src_len))
        batches, start = [], 0
        while start < len(order):
            end = start + 1
            longest = max(self.src_len[order[start]], self.tgt_len[order[start]])
            while end < len(order):
                longest = max(longest, self.src_len[order[end]], self.tgt_len[order[end]])
                if longest * (end - start + 1) > batch_tokens:
                    break
                end += 1
            batches.append(order[start:end])
            start = end
        rng.shuffle(batches)
        return batches

    def tensors(self, batch: np.ndarray, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rows = self.index[batch]
        src = [self.src_ids[self.src_off[r] : self.src_off[r + 1]] for r in rows]
        tgt = [self.tgt_ids[self.tgt_off[r] : self.tgt_off[r + 1]] for r in rows]
        source = _pad(src)
        target_in = _pad(tgt, before=BOS_ID)
        target_out = _pad(tgt, after=EOS_ID)
        return (
            source.to(device, non_blocking=True),
            target_in.to(device, non_blocking=True),
            target_out.to(device, non_blocking=True),
        )


def _pad(rows: list[np.ndarray], before: int | None = None, after: int | None = None) -> torch.Tensor:
    """Rows into one padded tensor, with an optional token before or after each row."""
    extra = (before is not None) + (after is not None)
    out = np.full((len(rows), max(len(r) for r in rows) + extra), PAD_ID, dtype=np.int64)
    start = int(before is not None)
    for i, row in enumerate(rows):
        if before is not None:
            out[i, 0] = before
        out[i, start : start + len(row)] = row
        if after is not None:
            out[i, start + len(row)] = after
    return torch.from_numpy(out)


def _loss(model: Transformer, batch: tuple[torch.Tensor, ...], smoothing: float) -> tuple[torch.Tensor, int]:
    source, target_in, target_out = batch
    logits = model(source, target_in)
    loss = F.cross_entropy(
        logits.float().view(-1, logits.shape[-1]),
        target_out.view(-1),
        ignore_index=PAD_ID,
        label_smoothing=smoothing,
        reduction="sum",
    )
    return loss, int((target_out != PAD_ID).sum())


@torch.no_grad()
def evaluate(model: Transformer, corpus: Corpus, device: torch.device, batch_tokens: int) -> float:
    """Mean token cross-entropy (no smoothing) on held-out data."""
    model.eval()
    total, tokens = 0.0, 0
    for batch in corpus.batches(batch_tokens, np.random.default_rng(0)):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            loss, n = _loss(model, corpus.tensors(batch, device), 0.0)
        total += float(loss)
        tokens += n
    model.train()
    return total / max(tokens, 1)


def _save(path: Path, payload: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def train(
    model_config: ModelConfig,
    config: TrainConfig,
    train_data: Corpus,
    valid_data: Corpus,
    checkpoint: Path,
    log: Path,
    device: torch.device,
) -> dict:
    """Train; return the summary also written as the last line of `log`."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    model = Transformer(model_config).to(device)
    params = [p for p in model.parameters()]
    ema = {name: p.detach().clone() for name, p in model.named_parameters()}
    ema_list = list(ema.values())
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.0
    )

    def rate(step: int) -> float:  # linear warm-up, then inverse square root
        step = max(step, 1)
        return min(step / config.warmup_steps, math.sqrt(config.warmup_steps / step))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
    started = time.monotonic()
    step, tokens_seen, epoch, best = 0, 0, 0, float("inf")
    stop = False
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as log_file:

        def record(entry: dict) -> None:
            log_file.write(json.dumps(entry) + "\n")
            log_file.flush()
            print(json.dumps(entry), flush=True)

        window_start, window_tokens = time.monotonic(), 0
        while not stop:
            epoch += 1
            for batch in train_data.batches(config.batch_tokens, rng):
                tensors = train_data.tensors(batch, device)
                with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                    loss, n = _loss(model, tensors, config.label_smoothing)
                optimizer.zero_grad(set_to_none=True)
                (loss / n).backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                step += 1
                tokens_seen += n
                window_tokens += n
                with torch.no_grad():
                    torch._foreach_lerp_(ema_list, params, 1 - config.ema_decay)
                minutes = (time.monotonic() - started) / 60
                stop = step >= config.max_steps or minutes >= config.max_minutes
                if step % config.eval_every == 0 or stop:
                    raw_loss = evaluate(model, valid_data, device, config.batch_tokens)
                    live = {k: v.detach().clone() for k, v in model.named_parameters()}
                    model.load_state_dict(ema, strict=False)
                    ema_loss = evaluate(model, valid_data, device, config.batch_tokens)
                    model.load_state_dict(live, strict=False)
                    use_ema = ema_loss <= raw_loss
                    weights = ema if use_ema else live
                    elapsed = time.monotonic() - window_start
                    entry = {
                        "step": step,
                        "epoch": epoch,
                        "minutes": round(minutes, 2),
                        "train_loss": round(float(loss.detach()) / n, 4),
                        "valid_loss": round(raw_loss, 4),
                        "valid_loss_ema": round(ema_loss, 4),
                        "tokens_per_second": round(window_tokens / elapsed) if elapsed else 0,
                        "lr": scheduler.get_last_lr()[0],
                    }
                    record(entry)
                    window_start, window_tokens = time.monotonic(), 0
                    if min(raw_loss, ema_loss) < best:
                        best = min(raw_loss, ema_loss)
                        _save(
                            checkpoint,
                            {
                                "model_config": model_config.as_dict(),
                                "weights": {k: v.detach().cpu() for k, v in weights.items()},
                                "step": step,
                                "valid_loss": best,
                                "ema": use_ema,
                            },
                        )
                if stop:
                    break
        summary = {
            "done": True,
            "steps": step,
            "epochs": epoch,
            "tokens": tokens_seen,
            "minutes": round((time.monotonic() - started) / 60, 2),
            "best_valid_loss": round(best, 4),
            "parameters": sum(p.numel() for p in model.parameters()),
            "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu",
        }
        record(summary)
    return summary

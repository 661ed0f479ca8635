"""Training: length-bucketed batches, label smoothing, warm-up then inverse-sqrt decay (and an optional
linear cooldown to zero), an EMA of the weights.

Runs until a step or time budget is spent and saves its checkpoints at every
evaluation (atomically), so a run cut off early still leaves a usable model:
`checkpoint.pt` holds the best weights, `state.pt` everything needed to resume
(weights, EMA, optimizer, step, random state).

Batch shapes are bounded: lengths are padded up to a multiple of
`length_step` and every batch of one (source, target) length bucket has the
same number of rows. On the CPU oneDNN builds and caches kernels per shape, so
free shapes made a bf16 run grow to 9.9 GB and slow down; bounded ones kept it
at 2.4 GB (measured on this project's 2-core machines, issue 13).
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

from .model import BOS_ID, EOS_ID, PAD_ID, ModelConfig, Transformer


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
    # Also evaluate and save at least this often, in minutes: on a busy CPU a step
    # count can take hours, and a stopped session keeps only what was saved.
    eval_minutes: float = 20.0
    seed: int = 1
    length_step: int = 16  # lengths padded to a multiple of this: few distinct batch shapes
    bf16: bool = True  # autocast to bfloat16 where the device supports it (CUDA; CPUs with AVX-512 bf16/AMX)


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

    def padded(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """Source and target lengths rounded up to a multiple of `step` (the batch shapes)."""
        return -(-self.src_len // step) * step, -(-self.tgt_len // step) * step

    def batches(self, batch_tokens: int, rng: np.random.Generator, step: int = 16) -> list[np.ndarray]:
        """Positions grouped into (padded source, padded target) length buckets, shuffled.

        Every batch of a bucket has rows = batch_tokens // max(padded lengths); a
        bucket's last, short batch is filled up with rows of the same bucket, so
        each bucket has one shape only.
        """
        src_pad, tgt_pad = self.padded(step)
        noise = rng.random(len(self.index))
        order = np.lexsort((noise, tgt_pad, src_pad))
        keys = src_pad[order] * 100003 + tgt_pad[order]
        bounds = np.flatnonzero(np.diff(keys)) + 1
        batches = []
        for bucket in np.split(order, bounds):
            rows = max(1, batch_tokens // int(max(src_pad[bucket[0]], tgt_pad[bucket[0]])))
            for start in range(0, len(bucket), rows):
                batch = bucket[start : start + rows]
                if len(batch) < rows:
                    batch = np.resize(bucket, rows) if len(bucket) < rows else np.concatenate([batch, bucket[: rows - len(batch)]])
                batches.append(batch)
        rng.shuffle(batches)
        return batches

    def tensors(
        self, batch: np.ndarray, device: torch.device, step: int = 16
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rows = self.index[batch]
        src = [self.src_ids[self.src_off[r] : self.src_off[r + 1]] for r in rows]
        tgt = [self.tgt_ids[self.tgt_off[r] : self.tgt_off[r + 1]] for r in rows]
        src_width = -(-max(len(r) for r in src) // step) * step
        tgt_width = -(-max(len(r) + 1 for r in tgt) // step) * step
        source = _pad(src, width=src_width)
        target_in = _pad(tgt, before=BOS_ID, width=tgt_width)
        target_out = _pad(tgt, after=EOS_ID, width=tgt_width)
        return (
            source.to(device, non_blocking=True),
            target_in.to(device, non_blocking=True),
            target_out.to(device, non_blocking=True),
        )


def _pad(
    rows: list[np.ndarray], before: int | None = None, after: int | None = None, width: int = 0
) -> torch.Tensor:
    """Rows into one tensor padded to at least `width`, with an optional token before or after each row."""
    extra = (before is not None) + (after is not None)
    out = np.full((len(rows), max(width, max(len(r) for r in rows) + extra)), PAD_ID, dtype=np.int64)
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


def use_bf16(device: torch.device, wanted: bool = True) -> bool:
    """Whether to autocast to bfloat16: CUDA, or a CPU whose oneDNN has bf16 kernels (AVX-512 bf16, AMX)."""
    if not wanted:
        return False
    if device.type == "cuda":
        return True
    return device.type == "cpu" and bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


@torch.no_grad()
def evaluate(model: Transformer, corpus: Corpus, device: torch.device, batch_tokens: int, bf16: bool, step: int) -> float:
    """Mean token cross-entropy (no smoothing) on held-out data."""
    model.eval()
    total, tokens = 0.0, 0
    for batch in corpus.batches(batch_tokens, np.random.default_rng(0), step):
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            loss, n = _loss(model, corpus.tensors(batch, device, step), 0.0)
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
    resume: bool = False,
    initial_weights: dict[str, torch.Tensor] | None = None,
    initial_step: int = 0,
    start_state: Path | None = None,
    cooldown_steps: int = 0,
) -> dict:
    """Train; return the summary also written as the last line of `log`.

    resume: continue from `state.pt` beside `checkpoint` when it exists (weights,
    EMA, optimizer, step, random state). initial_weights: start from these weights
    instead (a shipped package's, dequantised), counting steps from
    `initial_step`, with a fresh optimizer and a short warm-up; ignored when
    there is a state to resume.

    start_state and cooldown_steps make a cooldown (the decay phase of a
    warm-up/stable/decay schedule of Hu et al. 2024, "MiniCPM"): it
    starts from another run's `state.pt` (weights, EMA, optimizer) when there is
    none beside `checkpoint` yet, lowers the learning rate linearly from that
    run's rate to zero over `cooldown_steps`, and stops there; `max_minutes`
    does not apply. Its best-so-far is its own, so it always leaves a checkpoint.
    A cooldown may also start from `initial_weights` (a shipped package, no
    state): the rate re-warms over a tenth of the warm-up to the
    inverse-square-root value of `initial_step`, then falls linearly to zero,
    and `checkpoint.pt` holds the latest weights (not the best by validation loss).
    """
    state_file = checkpoint.with_name("state.pt")
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    model = Transformer(model_config).to(device)
    bf16 = use_bf16(device, config.bf16)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.0
    )
    step, tokens_seen, epoch, best, minutes_before = 0, 0, 0, float("inf"), 0.0
    warmup_from = 0  # a warm start re-warms the learning rate from this step
    cooldown_from = None  # a cooldown lowers the rate to zero from this step
    state_source = state_file if resume and state_file.exists() else None
    if state_source is None and start_state is not None:
        state_source = start_state
    state = torch.load(state_source, map_location="cpu", weights_only=False) if state_source is not None else None
    if state is not None:
        model.load_state_dict(state["weights"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        step, tokens_seen, epoch, best = state["step"], state["tokens"], state["epoch"], state["best"]
        minutes_before, warmup_from = state["minutes"], state.get("warmup_from", 0)
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        if cooldown_steps:
            cooldown_from = state.get("cooldown_from")
            if cooldown_from is None:  # the first start from the other run's state
                cooldown_from, best = step, float("inf")
    elif initial_weights is not None:
        model.load_state_dict(initial_weights, strict=False)
        step = warmup_from = initial_step
        if cooldown_steps:
            cooldown_from = initial_step
    params = list(model.parameters())
    ema = {name: p.detach().clone() for name, p in model.named_parameters()}
    if state is not None:
        for name, value in state["ema"].items():
            ema[name].copy_(value)
    ema_list = list(ema.values())

    if cooldown_steps and cooldown_from is None:
        raise ValueError("a cooldown needs a state or weights to start from (start_state, initial_weights)")

    def schedule(global_step: int) -> float:
        """Linear warm-up, then inverse square root; a warm start re-warms over a tenth of the warm-up."""
        global_step = max(global_step, 1)
        decay = math.sqrt(config.warmup_steps / max(global_step, config.warmup_steps))
        if warmup_from == 0:
            return min(global_step / config.warmup_steps, decay)
        return min((global_step - warmup_from) / max(1, config.warmup_steps // 10), 1.0) * decay

    def rate(global_step: int) -> float:
        if cooldown_from is None:
            return schedule(global_step)
        if warmup_from == cooldown_from:  # from a package's weights: re-warm to the rate of its step
            peak = schedule(cooldown_from + max(1, config.warmup_steps // 10)) * min(
                max(global_step - warmup_from, 1) / max(1, config.warmup_steps // 10), 1.0
            )
        else:
            peak = schedule(cooldown_from)
        return peak * max(0.0, 1 - (global_step - cooldown_from) / cooldown_steps)

    def finished(step: int, minutes: float) -> bool:
        if cooldown_from is not None:
            return step >= cooldown_from + cooldown_steps
        return step >= config.max_steps or minutes >= config.max_minutes

    first = step
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: rate(first + i))
    started = time.monotonic() - minutes_before * 60
    stop = finished(step, minutes_before)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as log_file:

        def record(entry: dict) -> None:
            log_file.write(json.dumps(entry) + "\n")
            log_file.flush()
            print(json.dumps(entry), flush=True)

        record({"start": True, "step": step, "resumed": state is not None, "warm_start": initial_weights is not None and state is None,
                "cooldown_from": cooldown_from, "bf16": bf16, "threads": torch.get_num_threads()})
        window_start, window_tokens = time.monotonic(), 0
        while not stop:
            epoch += 1
            batches = train_data.batches(config.batch_tokens, rng, config.length_step)
            for batch in batches:
                tensors = train_data.tensors(batch, device, config.length_step)
                with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
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
                stop = finished(step, minutes)
                due = time.monotonic() - window_start >= config.eval_minutes * 60
                if step % config.eval_every == 0 or stop or due:
                    raw_loss = evaluate(model, valid_data, device, config.batch_tokens, bf16, config.length_step)
                    live = {k: v.detach().clone() for k, v in model.named_parameters()}
                    model.load_state_dict(ema, strict=False)
                    ema_loss = evaluate(model, valid_data, device, config.batch_tokens, bf16, config.length_step)
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
                    # A cooldown from a package's weights keeps its latest weights: the rate falls to
                    # zero, while its EMA (decay 0.999) is still mostly the package, which the
                    # Kyoto-heavy validation loss prefers and NTREX dev chrF does not (issue 21's
                    # A/B: the news arm's last weights 13.51, the package 12.76).
                    latest = cooldown_from is not None and warmup_from == cooldown_from
                    if latest or min(raw_loss, ema_loss) < best:
                        best = min(best, raw_loss) if latest else min(raw_loss, ema_loss)
                        _save(
                            checkpoint,
                            {
                                "model_config": model_config.as_dict(),
                                "weights": {k: v.detach().cpu() for k, v in (live if latest else weights).items()},
                                "step": step,
                                "valid_loss": raw_loss if latest else best,
                                "ema": False if latest else use_ema,
                                "cooldown_from": cooldown_from,
                            },
                        )
                    _save(
                        state_file,
                        {
                            "model_config": model_config.as_dict(),
                            "weights": {k: v.detach().cpu() for k, v in live.items()},
                            "ema": {k: v.detach().cpu() for k, v in ema.items()},
                            "optimizer": optimizer.state_dict(),
                            "step": step,
                            "tokens": tokens_seen,
                            "epoch": epoch - 1,  # a resumed run starts a fresh shuffle of the data
                            "best": best,
                            "minutes": minutes,
                            "warmup_from": warmup_from,
                            "cooldown_from": cooldown_from,
                            "rng": rng.bit_generator.state,
                            "torch_rng": torch.get_rng_state(),
                        },
                    )
                    window_start, window_tokens = time.monotonic(), 0
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
            "bf16": bf16,
        }
        record(summary)
    return summary

"""Training throughput of candidate model sizes on this CPU (issue 13, step 1).

One fixed batch shape (rows × length, about `--batch-tokens` target tokens),
random ids, bf16 autocast where the CPU has it, as in the recipe's loop:
forward, loss, backward, clip, AdamW. Prints target tokens per second per
candidate after `--warmup` untimed steps.

    python -m bench.train_speed --steps 6
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from models.recipe.model import ModelConfig, Transformer
from models.recipe.train import _loss, use_bf16

CPU_CONFIG = Path(__file__).resolve().parent.parent / "models" / "recipe" / "configs" / "cpu.json"


def candidates() -> dict[str, dict]:
    """configs/cpu.json's model (ModelConfig's fields), and three changes to it."""
    config = json.loads(CPU_CONFIG.read_text(encoding="utf-8"))
    cpu = {"vocab_size": config["data"]["vocab_size"], **config["model"]}
    return {
        "d256 4+3 ff1024 v16k (cpu.json)": cpu,
        "d256 4+3 ff1024 v8k": {**cpu, "vocab_size": 8000},
        "d256 3+2 ff1024 v16k": {**cpu, "encoder_layers": 3, "decoder_layers": 2},
        "d384 4+3 ff1536 v16k": {**cpu, "d_model": 384, "heads": 6, "ff": 1536},
    }


def measure(name: str, settings: dict, steps: int, warmup: int, batch_tokens: int, length: int) -> dict:
    torch.manual_seed(0)
    config = ModelConfig(**settings)
    model = Transformer(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    device = torch.device("cpu")
    bf16 = use_bf16(device)
    rows = batch_tokens // length
    source = torch.randint(4, config.vocab_size, (rows, length))
    target = torch.randint(4, config.vocab_size, (rows, length))
    batch = (source, target, target)
    elapsed = 0.0
    for i in range(warmup + steps):
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss, n = _loss(model, batch, 0.1)
        optimizer.zero_grad(set_to_none=True)
        (loss / n).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if i >= warmup:
            elapsed += time.perf_counter() - start
    return {
        "candidate": name,
        "parameters_m": round(sum(p.numel() for p in model.parameters()) / 1e6, 1),
        "bf16": bf16,
        "target_tokens_per_second": round(rows * length * steps / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch-tokens", type=int, default=6000)
    parser.add_argument("--length", type=int, default=32, help="source and target length of every row")
    args = parser.parse_args()
    for name, settings in candidates().items():
        print(json.dumps(measure(name, settings, args.steps, args.warmup, args.batch_tokens, args.length)), flush=True)


if __name__ == "__main__":
    main()

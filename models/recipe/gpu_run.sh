#!/usr/bin/env bash
# The training run on a lent GPU machine, as one command (see models/recipe/README.md).
#
# Expects .carry/data.tar.xz (made here by `python -m models.recipe prepare`, then
# `tar -cJf .carry/data.tar.xz -C models/recipe/work data`). Trains until the
# config's time budget, then packs the best checkpoint as int8 parts of under
# 16 MiB into $OUT. Training runs under `timeout`, so the pack step still runs
# if training overruns: the checkpoint on disk is the best one so far.
set -uo pipefail
CONFIG=${CONFIG:-models/recipe/configs/base.json}
TRAIN_SECONDS=${TRAIN_SECONDS:-480}
WORK=${WORK:-/tmp/recipe-work}
DEVICE=${DEVICE:-cuda}
OUT=${OUT:?set OUT to the folder that comes back}
export PYTHONUNBUFFERED=1

mkdir -p "$WORK" "$OUT"
tar -xJf .carry/data.tar.xz -C "$WORK" || exit 1
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "no nvidia-smi"; } | tee "$OUT/gpu.txt"
python3 -c "import torch, sentencepiece, numpy; print('torch', torch.__version__)" | tee -a "$OUT/gpu.txt"

timeout "$TRAIN_SECONDS" python3 -m models.recipe train --config "$CONFIG" --work "$WORK" --device "$DEVICE" \
  2>&1 | tee "$OUT/train.out"
echo "train exit: ${PIPESTATUS[0]}" | tee -a "$OUT/train.out"

python3 -m models.recipe pack --config "$CONFIG" --work "$WORK" --parts "$OUT" || exit 1
ls -l "$OUT"

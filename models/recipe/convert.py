"""Trained weights → int8 parts (on the GPU machine) → CTranslate2 model → .argosmodel (here).

The GPU machine has PyTorch but no ctranslate2, and what comes back from it is
limited to files of 16 MiB. So `pack` quantizes every weight matrix to int8 per
row, exactly as CTranslate2 does, and splits the result into parts; `export`
joins them, builds the CTranslate2 TransformerSpec and saves it with int8
weights (requantizing values already on the int8 grid gives the same bytes).
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import tarfile
import time
import zipfile
from pathlib import Path

import numpy as np
import torch

PART_BYTES = 15 * 1024 * 1024


def quantize(weights: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Matrices → int8 rows with a float32 scale each (127 / max |row|); the rest → float32."""
    out = {}
    for name, value in weights.items():
        value = value.detach().float().cpu()
        if value.dim() == 2:
            amax = value.abs().amax(dim=1).clamp(min=1e-12)
            scale = 127.0 / amax
            out[name] = torch.round(value * scale[:, None]).to(torch.int8)
            out[f"{name}.scale"] = scale
        else:
            out[name] = value
    return out


def dequantize(packed: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
    out = {}
    for name, value in packed.items():
        if name.endswith(".scale"):
            continue
        if value.dtype == torch.int8:
            out[name] = (value.float() / packed[f"{name}.scale"][:, None]).numpy()
        else:
            out[name] = value.float().numpy()
    return out


def pack(checkpoint: Path, sentencepiece_model: Path, extra_files: list[Path], out_dir: Path) -> list[Path]:
    """Write pack.tar.000, .001, ... (each under 16 MiB) holding int8 weights and what export needs."""
    state = torch.load(checkpoint, map_location="cpu", weights_only=True)
    buffer = io.BytesIO()
    torch.save(
        {
            "model_config": state["model_config"],
            "weights": quantize(state["weights"]),
            **_record(state),
        },
        buffer,
    )
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
        members = [("weights.pt", buffer.getvalue()), ("sentencepiece.model", sentencepiece_model.read_bytes())]
        members += [(f.name, f.read_bytes()) for f in extra_files if f.exists()]
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(data))
    data = tar_bytes.getvalue()
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = []
    for number, start in enumerate(range(0, len(data), PART_BYTES)):
        part = out_dir / f"pack.tar.{number:03d}"
        part.write_bytes(data[start : start + PART_BYTES])
        parts.append(part)
    return parts


def unpack(parts: list[Path], folder: Path) -> Path:
    """Join the parts (in name order) and extract them into `folder`."""
    data = b"".join(p.read_bytes() for p in sorted(parts))
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def build_spec(model_config: dict, weights: dict[str, np.ndarray], vocabulary: list[str]):
    """The CTranslate2 TransformerSpec for model.Transformer's weights."""
    from ctranslate2.specs import transformer_spec

    spec = transformer_spec.TransformerSpec.from_config(
        (model_config["encoder_layers"], model_config["decoder_layers"]), model_config["heads"], pre_norm=True
    )
    spec.config.layer_norm_epsilon = 1e-6
    embedding = weights["embedding.weight"]

    def norm(layer_spec, name: str) -> None:
        layer_spec.gamma = weights[f"{name}.weight"]
        layer_spec.beta = weights[f"{name}.bias"]

    def linear(layer_spec, *names: str) -> None:
        layer_spec.weight = np.concatenate([weights[f"{n}.weight"] for n in names])
        layer_spec.bias = np.concatenate([weights[f"{n}.bias"] for n in names])

    def ffn(layer_spec, name: str) -> None:
        norm(layer_spec.layer_norm, f"{name}.norm")
        linear(layer_spec.linear_0, f"{name}.inner")
        linear(layer_spec.linear_1, f"{name}.outer")

    def self_attention(layer_spec, name: str, norm_name: str) -> None:
        norm(layer_spec.layer_norm, norm_name)
        linear(layer_spec.linear[0], f"{name}.query", f"{name}.key", f"{name}.value")
        linear(layer_spec.linear[1], f"{name}.out")

    for side in (spec.encoder, spec.decoder):
        embeddings = side.embeddings[0] if isinstance(side.embeddings, list) else side.embeddings
        embeddings.weight = embedding
        side.scale_embeddings = True  # position encodings: CTranslate2's own (model.sinusoids)

    for i, layer in enumerate(spec.encoder.layer):
        prefix = f"encoder.{i}"
        self_attention(layer.self_attention, f"{prefix}.self_attention", f"{prefix}.self_norm")
        ffn(layer.ffn, f"{prefix}.ffn")
    norm(spec.encoder.layer_norm, "encoder_norm")

    for i, layer in enumerate(spec.decoder.layer):
        prefix = f"decoder.{i}"
        self_attention(layer.self_attention, f"{prefix}.self_attention", f"{prefix}.self_norm")
        cross = layer.attention
        norm(cross.layer_norm, f"{prefix}.cross_norm")
        linear(cross.linear[0], f"{prefix}.cross_attention.query")
        linear(cross.linear[1], f"{prefix}.cross_attention.key", f"{prefix}.cross_attention.value")
        linear(cross.linear[2], f"{prefix}.cross_attention.out")
        ffn(layer.ffn, f"{prefix}.ffn")
    norm(spec.decoder.layer_norm, "decoder_norm")
    spec.decoder.projection.weight = embedding

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def vocabulary(sentencepiece_model: Path) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(sentencepiece_model))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def training_record(packed_dir: Path) -> dict:
    """What metadata.json keeps of the training: model config, step, validation loss (for warm starts), and
    the step a cooldown started from (None: not cooled down)."""
    state = torch.load(packed_dir / "weights.pt", map_location="cpu", weights_only=True)
    return {"model_config": state["model_config"], **_record(state)}


def _record(state: dict) -> dict:
    """The training facts a checkpoint carries into the pack and the package: step, validation loss, and
    the step its cooldown started from (older checkpoints lack the last two: None)."""
    return {"step": state.get("step", 0), "valid_loss": state.get("valid_loss"), "cooldown_from": state.get("cooldown_from")}


def export(packed_dir: Path, model_dir: Path) -> Path:
    """Build the CTranslate2 model (int8) in `model_dir` from an unpacked pack."""
    state = torch.load(packed_dir / "weights.pt", map_location="cpu", weights_only=True)
    spec = build_spec(
        state["model_config"], dequantize(state["weights"]), vocabulary(packed_dir / "sentencepiece.model")
    )
    spec.validate()
    spec.optimize(quantization="int8")
    if model_dir.exists():
        shutil.rmtree(model_dir)
    model_dir.mkdir(parents=True)
    spec.save(str(model_dir))
    return model_dir


def make_package(
    model_dir: Path, sentencepiece_model: Path, readme: Path, metadata: dict, out_file: Path
) -> Path:
    """Zip an Argos package: one folder with metadata.json, model/, sentencepiece.model, README.md."""
    root = out_file.name.removesuffix(".argosmodel")
    members = {
        "metadata.json": (json.dumps(metadata, ensure_ascii=False, indent=2) + "\n").encode(),
        "sentencepiece.model": sentencepiece_model.read_bytes(),
        "README.md": readme.read_bytes(),
        **{f"model/{f.name}": f.read_bytes() for f in sorted(model_dir.iterdir())},
    }
    out_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_file.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name, data in members.items():
            # A fixed timestamp: the same model gives the same bytes.
            info = zipfile.ZipInfo(f"{root}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    tmp.replace(out_file)
    return out_file


_CT2_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}  # ctranslate2 DataType ids


def read_ctranslate2(model_bin: Path) -> dict[str, np.ndarray]:
    """The variables of a CTranslate2 `model.bin` (format of `ModelSpec._serialize`), aliases resolved.

    Raises ValueError for a variable type this reader does not know (bfloat16
    models are saved by `pack`/`export` as int8, so do not occur here).
    """
    raw = model_bin.read_bytes()
    pos = 0

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from(fmt, raw, pos)
        pos += struct.calcsize(fmt)
        return values[0] if len(values) == 1 else values

    def string() -> str:
        nonlocal pos
        length = take("H")
        text = raw[pos : pos + length - 1].decode("utf-8")
        pos += length
        return text

    take("I")  # binary version
    string()  # spec name
    take("I")  # revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(take("I")):
        name = string()
        shape = [take("I") for _ in range(take("B"))]
        type_id, size = take("B"), take("I")
        if type_id not in _CT2_DTYPES:
            raise ValueError(f"{model_bin}: variable {name} has CTranslate2 type {type_id}, not supported here")
        variables[name] = np.frombuffer(raw, dtype=_CT2_DTYPES[type_id], count=size // np.dtype(_CT2_DTYPES[type_id]).itemsize, offset=pos).reshape(shape)
        pos += size
    for _ in range(take("I")):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def _ct2_names(model_config: dict) -> dict[str, str]:
    """model.Transformer parameter name → CTranslate2 variable name (fused QKV split in weights_from_package)."""
    names = {"embedding.weight": "decoder/embeddings/weight"}  # the shared matrix; the others alias it

    def norm(ours: str, theirs: str) -> None:
        names[f"{ours}.weight"], names[f"{ours}.bias"] = f"{theirs}/gamma", f"{theirs}/beta"

    def linear(ours: str, theirs: str) -> None:
        names[f"{ours}.weight"], names[f"{ours}.bias"] = f"{theirs}/weight", f"{theirs}/bias"

    for side, count in (("encoder", model_config["encoder_layers"]), ("decoder", model_config["decoder_layers"])):
        for i in range(count):
            ours, theirs = f"{side}.{i}", f"{side}/layer_{i}"
            norm(f"{ours}.self_norm", f"{theirs}/self_attention/layer_norm")
            linear(f"{ours}.self_attention.out", f"{theirs}/self_attention/linear_1")
            norm(f"{ours}.ffn.norm", f"{theirs}/ffn/layer_norm")
            linear(f"{ours}.ffn.inner", f"{theirs}/ffn/linear_0")
            linear(f"{ours}.ffn.outer", f"{theirs}/ffn/linear_1")
            if side == "decoder":
                norm(f"{ours}.cross_norm", f"{theirs}/attention/layer_norm")
                linear(f"{ours}.cross_attention.query", f"{theirs}/attention/linear_0")
                linear(f"{ours}.cross_attention.out", f"{theirs}/attention/linear_2")
        norm(f"{side}_norm", f"{side}/layer_norm")
    return names


def weights_from_package(package: Path, folder: Path) -> tuple[dict, dict[str, np.ndarray], int, Path]:
    """A package made by `export`, back to model.Transformer weights (int8 dequantised), for a warm start.

    Returns (model config, weights, training step it was exported at, its
    SentencePiece model). Raises ValueError for a package without the training
    record `export` writes into metadata.json (another model's package).
    """
    if folder.exists():
        shutil.rmtree(folder)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    (root,) = [p for p in folder.iterdir() if p.is_dir()]
    metadata = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    if "training" not in metadata:
        raise ValueError(f"{package}: no training record in metadata.json; not a package this recipe made")
    model_config = metadata["training"]["model_config"]
    variables = read_ctranslate2(root / "model" / "model.bin")

    def value(name: str) -> np.ndarray:
        data = variables[name]
        if data.dtype == np.int8:
            return data.astype(np.float32) / variables[f"{name}_scale"].astype(np.float32)[:, None]
        return data.astype(np.float32)

    weights = {ours: value(theirs) for ours, theirs in _ct2_names(model_config).items()}
    width = model_config["d_model"]
    for side, count in (("encoder", model_config["encoder_layers"]), ("decoder", model_config["decoder_layers"])):
        for i in range(count):
            fused = [("self_attention", "self_attention/linear_0", ("query", "key", "value"))]
            if side == "decoder":
                fused.append(("cross_attention", "attention/linear_1", ("key", "value")))
            for ours, theirs, parts in fused:
                weight, bias = value(f"{side}/layer_{i}/{theirs}/weight"), value(f"{side}/layer_{i}/{theirs}/bias")
                for k, part in enumerate(parts):
                    weights[f"{side}.{i}.{ours}.{part}.weight"] = weight[k * width : (k + 1) * width]
                    weights[f"{side}.{i}.{ours}.{part}.bias"] = bias[k * width : (k + 1) * width]
    return model_config, weights, int(metadata["training"].get("step", 0)), root / "sentencepiece.model"

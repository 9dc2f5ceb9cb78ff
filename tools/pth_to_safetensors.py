#!/usr/bin/env python3
"""Converts a PyTorch checkpoint (.pth / .pt) into a safetensors state dict that
`./siftfunnel predict --weights` (and any safetensors reader) can load.

The input may hold
  - a state dict (a mapping of names to tensors, as `torch.save(model.state_dict(), f)` writes),
  - a dict with the state dict under 'state_dict', 'model' or 'model_state_dict'
    (training-script checkpoints; a whole model stored there is turned into its state dict), or
  - a whole pickled model (`torch.save(model, f)`), whose .state_dict() is taken. Unpickling
    a model runs code named in the file and needs the model's classes to be importable:
    pass --trust-pickle (only for files you trust) and --path DIR for where they live.

Names keep PyTorch's spelling (block1.0.weight, fc.2.bias, ...). A 'module.' prefix
(torch.nn.DataParallel) or '_module.' prefix (Opacus) shared by all names is removed.
Floating-point tensors are written as contiguous float32; int64 'num_batches_tracked'
counters are kept as int64 (siftfunnel ignores them) unless --drop-num-batches-tracked;
other integer and bool tensors keep their type.

The file is written with the `safetensors` package when it is installed, otherwise with
the small writer below (8-byte little-endian header length, a JSON header, the raw
little-endian data), so only torch is needed.

Usage:
  python3 tools/pth_to_safetensors.py MODEL.pth MODEL.safetensors [--drop-num-batches-tracked]
      [--trust-pickle] [--path DIR ...] [--builtin-writer] [--list]
"""
import argparse
import json
import os
import struct
import sys

MODULE_PREFIXES = ("module.", "_module.")
# safetensors' names for the dtypes this script writes.
DTYPE_NAMES = {
    "torch.float32": "F32", "torch.int64": "I64", "torch.int32": "I32", "torch.int16": "I16",
    "torch.int8": "I8", "torch.uint8": "U8", "torch.bool": "BOOL",
}


def fail(message):
    sys.exit("pth_to_safetensors: " + message)


def load_checkpoint(torch, path, trust_pickle):
    """torch.load on the CPU; plain tensor containers only unless the user trusts the file."""
    try:
        return torch.load(path, map_location="cpu", weights_only=not trust_pickle)
    except TypeError:
        # torch < 1.13 has no weights_only: it always unpickles everything.
        if not trust_pickle:
            fail(path + ": this torch (" + torch.__version__ + ") cannot load weights safely; rerun with"
                 " --trust-pickle if you trust the file")
        return torch.load(path, map_location="cpu")
    except Exception as e:  # torch raises UnpicklingError or RuntimeError for refused or corrupt files
        if not trust_pickle and "weights_only" in str(e):
            fail(path + ": the file holds pickled code (a whole model?), which is not loaded by default;"
                 " rerun with --trust-pickle if you trust the file (and --path DIR where its classes live)")
        fail(path + ": cannot load: " + (str(e).splitlines()[0] if str(e) else repr(e)))


def find_state_dict(torch, obj):
    """The state dict inside a loaded checkpoint: the object itself, or what its 'state_dict', 'model' or
    'model_state_dict' entry holds."""
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        for key in ("state_dict", "model", "model_state_dict"):
            if key in obj:
                return find_state_dict(torch, obj[key])
        if obj and all(isinstance(k, str) for k in obj):
            return obj
    fail("no state dict found: expected a mapping of names to tensors, a dict with 'state_dict',"
         " 'model' or 'model_state_dict', or a torch.nn.Module; got " + type(obj).__name__
         + (" with keys " + ", ".join(map(str, list(obj)[:8])) if isinstance(obj, dict) else ""))


def strip_wrapper_prefixes(names):
    """Removes 'module.' / '_module.' (repeatedly) when every name has it; returns (mapping, removed)."""
    removed = ""
    mapping = {n: n for n in names}
    while mapping:
        prefix = next((p for p in MODULE_PREFIXES if all(v.startswith(p) for v in mapping.values())), None)
        if prefix is None:
            break
        removed += prefix
        mapping = {k: v[len(prefix):] for k, v in mapping.items()}
    return mapping, removed


def convert(torch, state, drop_counters):
    """Name -> contiguous CPU tensor (float32 for floating types); skipped entries are reported."""
    names, removed = strip_wrapper_prefixes(list(state))
    out, skipped = {}, []
    for original, name in names.items():
        value = state[original]
        if not isinstance(value, torch.Tensor):
            skipped.append(original + " (" + type(value).__name__ + ", not a tensor)")
            continue
        if name.endswith("num_batches_tracked") and drop_counters:
            continue
        if value.is_sparse or value.is_quantized:
            fail(original + ": sparse or quantized tensors are not supported; dequantize / densify first")
        t = value.detach().cpu()
        if t.is_floating_point():
            t = t.to(torch.float32)
        elif str(t.dtype) not in DTYPE_NAMES:
            fail(original + ": unsupported dtype " + str(t.dtype))
        # A copy: safetensors refuses tensors that share storage (tied weights, views).
        out[name] = t.contiguous().clone()
    return out, removed, skipped


def write_builtin(tensors, path, metadata):
    """The safetensors layout: u64 LE header size, JSON header (padded to 8 bytes), raw data."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.numpy().tobytes() if sys.byteorder == "little" else t.numpy().byteswap().tobytes()
        header[name] = {"dtype": DTYPE_NAMES[str(t.dtype)], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="PyTorch checkpoint (.pth / .pt)")
    ap.add_argument("output", help="safetensors file to write")
    ap.add_argument("--drop-num-batches-tracked", action="store_true", help="leave out BatchNorm's int64 step counters")
    ap.add_argument("--trust-pickle", action="store_true",
                    help="allow unpickling arbitrary objects (a whole model); runs code from the file")
    ap.add_argument("--path", action="append", default=[], metavar="DIR",
                    help="add DIR to sys.path (where a pickled model's classes live)")
    ap.add_argument("--builtin-writer", action="store_true", help="use the built-in writer even when `safetensors` is installed")
    ap.add_argument("--list", action="store_true", help="print every tensor's name, dtype and shape")
    args = ap.parse_args(argv)
    try:
        import torch
    except ImportError:
        fail("needs PyTorch (pip install torch, or apt-get install python3-torch)")
    sys.path[:0] = args.path
    if not os.path.isfile(args.input):
        fail(args.input + ": no such file")

    state = find_state_dict(torch, load_checkpoint(torch, args.input, args.trust_pickle))
    tensors, removed, skipped = convert(torch, state, args.drop_num_batches_tracked)
    if not tensors:
        fail(args.input + ": the state dict holds no tensors")
    metadata = {"format": "pt", "source": os.path.basename(args.input)}

    writer = "built-in writer"
    if not args.builtin_writer:
        try:
            from safetensors.torch import save_file
            save_file(tensors, args.output, metadata=metadata)
            writer = "safetensors package"
        except ImportError:
            pass
    if writer == "built-in writer":
        write_builtin(tensors, args.output, metadata)

    if args.list:
        for name, t in tensors.items():
            print("  %-50s %-8s %s" % (name, DTYPE_NAMES[str(t.dtype)], list(t.shape)))
    count = sum(t.numel() for t in tensors.values())
    print("wrote %s: %d tensors, %d values%s (%s)" % (args.output, len(tensors), count,
          ", removed prefix '" + removed + "'" if removed else "", writer))
    for s in skipped:
        print("skipped " + s, file=sys.stderr)


if __name__ == "__main__":
    main()

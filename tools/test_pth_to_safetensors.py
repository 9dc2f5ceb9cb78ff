#!/usr/bin/env python3
"""Checks tools/pth_to_safetensors.py with PyTorch: every accepted input layout, prefix
stripping, dtype handling, the refusal of pickled code without --trust-pickle, and the
written file read back by an independent parser of the safetensors layout.

Needs torch (apt-get install python3-torch); skips every test without it.
Usage: python3 tools/test_pth_to_safetensors.py [-v]
"""
import collections
import json
import os
import struct
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "pth_to_safetensors.py")

try:
    import torch
except ImportError:
    torch = None

TYPES = {"F32": ("f", 4), "I64": ("q", 8), "I32": ("i", 4), "U8": ("B", 1), "BOOL": ("?", 1)}


def read_safetensors(path):
    """(header, metadata, name -> (dtype, shape, flat values)) parsed without torch or safetensors."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    assert n % 8 == 0, "header not padded to 8 bytes"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = collections.OrderedDict()
    end = 0
    for name, e in header.items():
        code, size = TYPES[e["dtype"]]
        begin, stop = e["data_offsets"]
        count = 1
        for d in e["shape"]:
            count *= d
        assert stop - begin == count * size, name
        out[name] = (e["dtype"], e["shape"], list(struct.unpack("<%d%s" % (count, code), data[begin:stop])))
        end = max(end, stop)
    assert end == len(data), "trailing bytes"
    return header, metadata, out


class Net(torch.nn.Module if torch else object):
    def __init__(self):
        super().__init__()
        self.block1 = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2))
        self.fc = torch.nn.Linear(4, 3)


@unittest.skipIf(torch is None, "needs torch")
class PthToSafetensorsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        torch.manual_seed(0)
        self.net = Net()
        self.net.block1[1].running_mean.uniform_()
        self.net.block1[1].num_batches_tracked.fill_(17)

    def tearDown(self):
        self.tmp.cleanup()

    def convert(self, obj, *flags, expect_ok=True):
        src = os.path.join(self.dir, "in.pth")
        dst = os.path.join(self.dir, "out.safetensors")
        if os.path.exists(dst):
            os.remove(dst)
        torch.save(obj, src)
        r = subprocess.run([sys.executable, SCRIPT, src, dst, "--builtin-writer", *flags], capture_output=True, text=True)
        if expect_ok:
            self.assertEqual(0, r.returncode, r.stderr)
            return read_safetensors(dst), r
        self.assertNotEqual(0, r.returncode)
        self.assertFalse(os.path.exists(dst))
        return None, r

    def assert_matches_net(self, tensors, counters=True):
        expected = self.net.state_dict()
        names = [k for k in expected if counters or not k.endswith("num_batches_tracked")]
        self.assertEqual(names, list(tensors))
        for k in names:
            dtype, shape, values = tensors[k]
            self.assertEqual(list(expected[k].shape), shape, k)
            self.assertEqual(expected[k].flatten().tolist(), values, k)
            self.assertEqual("I64" if k.endswith("num_batches_tracked") else "F32", dtype, k)

    def test_plain_state_dict(self):
        (header, meta, tensors), r = self.convert(self.net.state_dict())
        self.assert_matches_net(tensors)
        self.assertEqual({"format": "pt", "source": "in.pth"}, meta)
        self.assertIn("%d tensors" % len(tensors), r.stdout)

    def test_nested_checkpoints_and_wrapper_prefixes(self):
        parallel = torch.nn.DataParallel(self.net).state_dict()
        self.assertTrue(all(k.startswith("module.") for k in parallel))
        opacus = collections.OrderedDict(("_module." + k, v) for k, v in self.net.state_dict().items())
        for obj in ({"state_dict": parallel, "epoch": 3}, {"model": opacus, "optimizer": {}}, {"model_state_dict": parallel}):
            (_, _, tensors), r = self.convert(obj)
            self.assert_matches_net(tensors)
            self.assertIn("removed prefix", r.stdout)

    def test_prefix_kept_unless_every_name_has_it(self):
        state = self.net.state_dict()
        state["module.extra"] = torch.ones(1)
        (_, _, tensors), _ = self.convert(state)
        self.assertIn("module.extra", tensors)
        self.assertIn("block1.0.weight", tensors)

    def test_floating_types_become_float32_and_counters_can_be_dropped(self):
        state = collections.OrderedDict((k, v.double() if v.is_floating_point() else v) for k, v in self.net.state_dict().items())
        state["fc.weight"] = self.net.fc.weight.detach().half()
        (_, _, tensors), _ = self.convert(state, "--drop-num-batches-tracked")
        self.assertNotIn("block1.1.num_batches_tracked", tensors)
        self.assertEqual("F32", tensors["fc.weight"][0])
        self.assertEqual(self.net.fc.weight.detach().half().float().flatten().tolist(), tensors["fc.weight"][2])
        self.assertEqual(self.net.fc.bias.detach().flatten().tolist(), tensors["fc.bias"][2])

    def test_views_and_shared_storage_are_written_as_copies(self):
        state = self.net.state_dict()
        state["fc.weight_t"] = self.net.fc.weight.detach().t()  # a non-contiguous view of the same storage
        (_, _, tensors), _ = self.convert(state)
        self.assertEqual(self.net.fc.weight.detach().t().contiguous().flatten().tolist(), tensors["fc.weight_t"][2])

    def test_a_whole_pickled_model_needs_trust_and_its_class(self):
        module_dir = os.path.join(self.dir, "models")
        os.makedirs(module_dir)
        with open(os.path.join(module_dir, "tinynet.py"), "w") as f:
            f.write(textwrap.dedent("""
                import torch
                class TinyNet(torch.nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.fc = torch.nn.Linear(2, 2)
            """))
        sys.path.insert(0, module_dir)
        try:
            import tinynet
            model = tinynet.TinyNet()
            _, r = self.convert(model, expect_ok=False)
            self.assertIn("--trust-pickle", r.stderr)
            (_, _, tensors), _ = self.convert(model, "--trust-pickle", "--path", module_dir)
            self.assertEqual(["fc.weight", "fc.bias"], list(tensors))
            self.assertEqual(model.fc.weight.detach().flatten().tolist(), tensors["fc.weight"][2])
        finally:
            sys.path.remove(module_dir)
            sys.modules.pop("tinynet", None)

    def test_not_a_state_dict_is_an_error(self):
        _, r = self.convert([1, 2, 3], expect_ok=False)
        self.assertIn("no state dict found", r.stderr)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Writes the small NumPy-made NPZ archives the Java NPZ tests read
(siftfunnel-model/src/test/resources/org/siftfunnel/model/data/), so the reader is checked
against files NumPy itself wrote, not only against the project's own writer.

Values are simple formulas the tests recompute:
  numpy-uint8-nhwc.npz (np.savez, stored):
    train_data uint8 [6, 4, 5, 3] = arange(360) % 256;  train_labels int64 = [0, 1, 2, 0, 1, 2]
    test_data  uint8 [3, 4, 5, 3] = (arange(180) * 7) % 256; test_labels int64 = [2, 1, 0]
    (no auxiliary arrays: the loader carves them)
  numpy-float32-nchw-compressed.npz (np.savez_compressed, deflated):
    train_data float32 [4, 1, 3, 2] = arange(24) / 23; train_labels int64 = [0, 1, 0, 1]
    test_data  float32 [2, 1, 3, 2] = arange(12) / 11; test_labels uint8 = [1, 0]
    auxiliary_data float32 [2, 1, 3, 2] = arange(12) * 20 (0..220: scaled by 1/255); auxiliary_labels int32 = [0, 1]
Usage: python3 tools/make_npz_fixtures.py [output-dir]
"""
import sys
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "siftfunnel-model/src/test/resources/org/siftfunnel/model/data"
np.savez(f"{out}/numpy-uint8-nhwc.npz",
         train_data=(np.arange(360) % 256).astype(np.uint8).reshape(6, 4, 5, 3),
         train_labels=np.array([0, 1, 2, 0, 1, 2], dtype=np.int64),
         test_data=((np.arange(180) * 7) % 256).astype(np.uint8).reshape(3, 4, 5, 3),
         test_labels=np.array([2, 1, 0], dtype=np.int64))
np.savez_compressed(f"{out}/numpy-float32-nchw-compressed.npz",
                    train_data=(np.arange(24) / 23).astype(np.float32).reshape(4, 1, 3, 2),
                    train_labels=np.array([0, 1, 0, 1], dtype=np.int64),
                    test_data=(np.arange(12) / 11).astype(np.float32).reshape(2, 1, 3, 2),
                    test_labels=np.array([1, 0], dtype=np.uint8),
                    auxiliary_data=(np.arange(12) * 20).astype(np.float32).reshape(2, 1, 3, 2),
                    auxiliary_labels=np.array([0, 1], dtype=np.int32))

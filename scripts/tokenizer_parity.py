#!/usr/bin/env python3
"""Reference token ids for ftlab's tokenizer, from Hugging Face `tokenizers` (the Rust library that
transformers and the @huggingface/tokenizers npm package wrap).

For each tokenizer.json below and each string of test/engines/llm/fixtures/tokenizers/corpus.json it
records what `tokenizers` gives for:
  ids       encode(s, add_special_tokens=True).ids
  plain     encode(s, add_special_tokens=False).ids
  ordinary  the same with encode_special_tokens=True (special tokens in the text stay text)
  keep      decode(ids, skip_special_tokens=False)
  skip      decode(ids, skip_special_tokens=True)
test/engines/llm/tokenizer-parity.test.ts compares ftlab with the committed expected.json, so the suite
needs no Python; with `tokenizers` importable the test also re-runs this script and compares live.

    python3 scripts/tokenizer_parity.py            # print the JSON
    python3 scripts/tokenizer_parity.py --write    # rewrite expected.json (after make-tokenizer-fixtures.mjs)
    python3 scripts/tokenizer_parity.py --check    # exit 1 if expected.json differs from the library
"""
import json
import os
import sys

import tokenizers
from tokenizers import Tokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIX = os.path.join(ROOT, "test", "engines", "llm", "fixtures", "tokenizers")
TOKENIZERS = {
    "shipped": os.path.join(ROOT, "labs", "lora", "base", "tokenizer.json"),
    "llama3": os.path.join(FIX, "llama3", "tokenizer.json"),
    "qwen2": os.path.join(FIX, "qwen2", "tokenizer.json"),
    "gpt2x": os.path.join(FIX, "gpt2x", "tokenizer.json"),
}


def reference():
    with open(os.path.join(FIX, "corpus.json"), encoding="utf-8") as f:
        corpus = json.load(f)
    out = {"tokenizers_version": tokenizers.__version__, "results": {}}
    for name, path in TOKENIZERS.items():
        tok = Tokenizer.from_file(path)
        rows = []
        for s in corpus:
            tok.encode_special_tokens = False
            ids = tok.encode(s, add_special_tokens=True).ids
            plain = tok.encode(s, add_special_tokens=False).ids
            tok.encode_special_tokens = True
            ordinary = tok.encode(s, add_special_tokens=False).ids
            rows.append(
                {
                    "ids": ids,
                    "plain": plain,
                    "ordinary": ordinary,
                    "keep": tok.decode(ids, skip_special_tokens=False),
                    "skip": tok.decode(ids, skip_special_tokens=True),
                }
            )
        out["results"][name] = rows
    return out


def main():
    ref = reference()
    path = os.path.join(FIX, "expected.json")
    if "--write" in sys.argv:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(ref, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {path} (tokenizers {ref['tokenizers_version']})")
    elif "--check" in sys.argv:
        with open(path, encoding="utf-8") as f:
            committed = json.load(f)
        if committed["results"] != ref["results"]:
            print(f"{path} differs from tokenizers {ref['tokenizers_version']}", file=sys.stderr)
            sys.exit(1)
        print(f"expected.json agrees with tokenizers {ref['tokenizers_version']}")
    else:
        json.dump(ref, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()

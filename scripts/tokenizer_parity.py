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

It also records what the library's BpeTrainer learns (vocabulary and merges, GPT-2-style ByteLevel
pre-tokenizer, the 256-byte initial alphabet, <s> and </s> first) from bpe-train-texts.json, which
test/engines/llm/bpe-train.test.ts compares with ftlab's own trainer (src/engines/llm/bpe-train.ts):
bpe-train.json.

    python3 scripts/tokenizer_parity.py            # print the JSON
    python3 scripts/tokenizer_parity.py --write    # rewrite expected.json and bpe-train.json
    python3 scripts/tokenizer_parity.py --check    # exit 1 if either differs from the library
"""
import json
import os
import sys

import tokenizers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

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


# vocabulary sizes the trainer is compared at: one that stops on the size, one that runs out of pairs
TRAIN_SIZES = [700, 5000]


def train_reference():
    with open(os.path.join(FIX, "bpe-train-texts.json"), encoding="utf-8") as f:
        texts = json.load(f)
    runs = []
    for size in TRAIN_SIZES:
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=size,
            min_frequency=2,
            special_tokens=["<s>", "</s>"],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            show_progress=False,
        )
        tok.train_from_iterator(texts, trainer)
        model = json.loads(tok.to_str())["model"]
        runs.append({"vocab_size": size, "min_frequency": 2, "vocab": model["vocab"], "merges": model["merges"]})
    return {"tokenizers_version": tokenizers.__version__, "runs": runs}


def main():
    ref = reference()
    trained = train_reference()
    outputs = [(os.path.join(FIX, "expected.json"), ref, "results"), (os.path.join(FIX, "bpe-train.json"), trained, "runs")]
    if "--write" in sys.argv:
        for path, data, _ in outputs:
            with open(path, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
                f.write("\n")
            print(f"wrote {path} (tokenizers {data['tokenizers_version']})")
    elif "--check" in sys.argv:
        for path, data, key in outputs:
            with open(path, encoding="utf-8") as f:
                committed = json.load(f)
            if committed[key] != data[key]:
                print(f"{path} differs from tokenizers {data['tokenizers_version']}", file=sys.stderr)
                sys.exit(1)
        print(f"expected.json agrees with tokenizers {ref['tokenizers_version']}, and so does bpe-train.json")
    else:
        json.dump({"encode": ref, "train": trained}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference numbers for ftlab's engine, computed with plain PyTorch from the same files.

Reads an HF Llama model folder (config.json, model.safetensors, tokenizer.json), an optional PEFT LoRA
adapter folder and a JSONL dataset, and prints the mean next-token cross-entropy exactly as
`ftlab eval-model` defines it (HF's loss with labels = input_ids, -100 on non-answer tokens, one
token-weighted mean over the file).  transformers is not needed: the Llama forward pass is written
out below in plain torch.  Usage:

    python3 scripts/torch_parity.py --model DIR [--adapter DIR] --data F.jsonl
"""
import argparse
import json
import math
import struct
import sys

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        t = torch.frombuffer(bytearray(raw[base + a : base + b]), dtype=DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).float()
    return out


class ByteTokenizer:
    """Byte-level BPE tokenizer.json without merges (what ftlab ships): one id per UTF-8 byte."""

    def __init__(self, path):
        tj = json.load(open(path))
        if tj["model"].get("merges"):
            sys.exit("this script handles byte-level tokenizers without merges only")
        bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
        cs, n = bs[:], 0
        for b in range(256):
            if b not in bs:
                bs.append(b)
                cs.append(256 + n)
                n += 1
        char_of = {b: chr(c) for b, c in zip(bs, cs)}
        vocab = tj["model"]["vocab"]
        self.byte_id = [vocab[char_of[b]] for b in range(256)]
        added = {t["content"]: t["id"] for t in tj["added_tokens"]}
        self.bos, self.eos = added["<s>"], added["</s>"]

    def encode(self, text):
        return [self.byte_id[b] for b in text.encode("utf-8")]


def encode_record(tok, rec):
    """(ids, mask): the chat template <s>System: …\\nUser: …\\nAssistant: …</s>\\n, or <s>text</s>."""
    if "text" in rec and not any(k in rec for k in ("messages", "prompt", "instruction")):
        ids = [tok.bos] + tok.encode(rec["text"]) + [tok.eos]
        return ids, [i > 0 for i in range(len(ids))]
    if "messages" in rec:
        msgs = rec["messages"]
    elif "prompt" in rec:
        msgs = [{"role": "user", "content": rec["prompt"]}, {"role": "assistant", "content": rec["completion"]}]
    else:
        user = rec["instruction"] + ("\n\n" + rec["input"] if rec.get("input") else "")
        msgs = [{"role": "user", "content": user}, {"role": "assistant", "content": rec["output"]}]
    ids, mask = [tok.bos], [False]

    def push(piece, train):
        ids.extend(piece)
        mask.extend([train] * len(piece))

    prefix = {"system": "System: ", "user": "User: ", "assistant": "Assistant: "}
    for m in msgs:
        push(tok.encode(prefix[m["role"]]), False)
        if m["role"] == "assistant":
            push(tok.encode(m["content"]) + [tok.eos], True)
            push(tok.encode("\n"), False)
        else:
            push(tok.encode(m["content"] + "\n"), False)
    return ids, mask


class Llama:
    def __init__(self, model_dir, adapter_dir=None):
        self.cfg = json.load(open(f"{model_dir}/config.json"))
        self.w = read_safetensors(f"{model_dir}/model.safetensors")
        self.lora, self.scaling = {}, 0.0
        if adapter_dir:
            ac = json.load(open(f"{adapter_dir}/adapter_config.json"))
            r = ac["r"]
            self.scaling = ac["lora_alpha"] / (math.sqrt(r) if ac.get("use_rslora") else r)
            aw = read_safetensors(f"{adapter_dir}/adapter_model.safetensors")
            for k, v in aw.items():
                path, which = k[len("base_model.model.") :].rsplit(".lora_", 1)
                self.lora.setdefault(path, {})[which[0]] = v

    def linear(self, x, path):
        y = x @ self.w[path + ".weight"].T
        if path in self.lora:
            y = y + self.scaling * ((x @ self.lora[path]["A"].T) @ self.lora[path]["B"].T)
        return y

    def forward(self, ids):  # ids: (B, T) -> logits (B, T, V)
        c = self.cfg
        H, KVH = c["num_attention_heads"], c.get("num_key_value_heads", c["num_attention_heads"])
        hd = c.get("head_dim") or c["hidden_size"] // H
        eps, B, T = c["rms_norm_eps"], ids.shape[0], ids.shape[1]

        def rms(x, w):
            return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

        def rot_half(x):
            return torch.cat((-x[..., hd // 2 :], x[..., : hd // 2]), dim=-1)

        inv_freq = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, hd, 2).float() / hd))
        freqs = torch.outer(torch.arange(T).float(), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        causal = torch.full((T, T), float("-inf")).triu(1)
        x = self.w["model.embed_tokens.weight"][ids]
        for l in range(c["num_hidden_layers"]):
            p = f"model.layers.{l}"
            h = rms(x, self.w[f"{p}.input_layernorm.weight"])
            q = self.linear(h, f"{p}.self_attn.q_proj").view(B, T, H, hd).transpose(1, 2)
            k = self.linear(h, f"{p}.self_attn.k_proj").view(B, T, KVH, hd).transpose(1, 2)
            v = self.linear(h, f"{p}.self_attn.v_proj").view(B, T, KVH, hd).transpose(1, 2)
            q, k = q * cos + rot_half(q) * sin, k * cos + rot_half(k) * sin
            k, v = k.repeat_interleave(H // KVH, dim=1), v.repeat_interleave(H // KVH, dim=1)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + causal, dim=-1)
            y = (att @ v).transpose(1, 2).reshape(B, T, H * hd)
            x = x + self.linear(y, f"{p}.self_attn.o_proj")
            h = rms(x, self.w[f"{p}.post_attention_layernorm.weight"])
            g = self.linear(h, f"{p}.mlp.gate_proj")
            x = x + self.linear(F.silu(g) * self.linear(h, f"{p}.mlp.up_proj"), f"{p}.mlp.down_proj")
        x = rms(x, self.w["model.norm.weight"])
        head = self.w["model.embed_tokens.weight"] if c.get("tie_word_embeddings", True) else self.w["lm_head.weight"]
        return x @ head.T


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--adapter")
    ap.add_argument("--data", required=True)
    a = ap.parse_args()
    torch.set_grad_enabled(False)
    tok = ByteTokenizer(f"{a.model}/tokenizer.json")
    model = Llama(a.model, a.adapter)
    total, count = 0.0, 0
    for line in open(a.data, encoding="utf-8"):
        if not line.strip():
            continue
        ids, mask = encode_record(tok, json.loads(line))
        ids = ids[: model.cfg["max_position_embeddings"]]
        mask = mask[: len(ids)]
        labels = torch.tensor([i if m else -100 for i, m in zip(ids, mask)])
        logits = model.forward(torch.tensor([ids]))[0]
        # HF LlamaForCausalLM: shift so that position t predicts token t+1
        total += F.cross_entropy(logits[:-1], labels[1:], ignore_index=-100, reduction="sum").item()
        count += int((labels[1:] != -100).sum())
    loss = total / count
    print(json.dumps({"loss": loss, "perplexity": math.exp(loss), "tokens": count, "torch": torch.__version__}))


if __name__ == "__main__":
    main()

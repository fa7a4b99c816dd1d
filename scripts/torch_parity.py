#!/usr/bin/env python3
"""Reference numbers for ftlab's engine, computed with plain PyTorch from the same files.

Reads an HF Llama model folder (config.json, model.safetensors, tokenizer.json), an optional PEFT LoRA
adapter folder and a JSONL dataset, and prints the mean next-token cross-entropy exactly as
`ftlab eval-model` defines it (HF's loss with labels = input_ids, -100 on non-answer tokens, one
token-weighted mean over the file).  transformers is not needed: the Llama forward pass is written
out below in plain torch.  Usage:

    python3 scripts/torch_parity.py --model DIR [--adapter DIR] --data F.jsonl

With --grads FILE it also runs torch.autograd on the whole file as one right-padded batch (the mean
masked cross-entropy the engine's training step minimises, dropout off) and writes per-parameter
gradients, in float64, to FILE (safetensors) for three set-ups:

    lora/<adapter tensor>   LoRA on the adapter's modules, base frozen (needs --adapter)
    full/<model tensor>     full fine-tuning, every tensor (a tied head sums both uses of the embedding)
    qlora/<adapter tensor>  the same adapter on a base whose seven projections went through NF4
                            (blocks of 64, absmax, bitsandbytes' 16 levels), written out here on its own

The losses, target counts and batch shape go into the file's metadata.  test/engines/llm/grad-parity.test.ts
compares the engine's backward() with FILE, and re-runs this script when torch is installed.
"""
import argparse
import json
import math
import struct
import sys

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def write_safetensors(path, tensors, metadata):
    """name -> float64 tensor; little-endian F64, keys sorted (as safetensors writes them)."""
    header, blobs, at = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        raw = tensors[name].detach().to(torch.float64).contiguous().numpy().astype("<f8").tobytes()
        header[name] = {"dtype": "F64", "shape": list(tensors[name].shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


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


# bitsandbytes' NF4 levels (QLoRA paper, appendix E)
NF4_CODE = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
            -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
            0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
            0.7229568362236023, 1.0]


def nf4_round_trip(w, block=64):
    """w quantised to NF4 and back: per block of 64 (flattened) the absmax, each value the nearest level."""
    flat = w.reshape(-1).float()
    code = torch.tensor(NF4_CODE, dtype=torch.float32)
    out = torch.empty_like(flat)
    for s in range(0, flat.numel(), block):
        b = flat[s : s + block]
        m = b.abs().max()
        inv = 1.0 / m.double() if m > 0 else torch.tensor(0.0, dtype=torch.float64)
        scaled = b.double() * inv
        # nearest level; an exact tie goes to the lower one
        idx = (scaled[:, None] - code.double()[None, :]).abs().argmin(dim=1)
        out[s : s + block] = code[idx] * m
    return out.reshape(w.shape)


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
        if self.cfg.get("tie_word_embeddings", True):
            self.w.pop("lm_head.weight", None)  # the head is the embedding itself
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

    def to(self, dtype):
        self.w = {k: v.to(dtype) for k, v in self.w.items()}
        self.lora = {p: {k: v.to(dtype) for k, v in ab.items()} for p, ab in self.lora.items()}
        return self


def padded_batch(tok, records, max_len):
    """The engine's makeBatch: right-padded with EOS, target at t = token t+1 where it is an answer token."""
    encoded = []
    for rec in records:
        ids, mask = encode_record(tok, rec)
        encoded.append((ids[:max_len], mask[:max_len]))
    T = max(len(ids) for ids, _ in encoded)
    tokens = torch.full((len(encoded), T), tok.eos, dtype=torch.long)
    targets = torch.full((len(encoded), T), -100, dtype=torch.long)
    for b, (ids, mask) in enumerate(encoded):
        tokens[b, : len(ids)] = torch.tensor(ids)
        for t in range(len(ids) - 1):
            if mask[t + 1]:
                targets[b, t] = ids[t + 1]
    return tokens, targets


def batch_grads(a, dtype):
    """{setup: (loss, {name: grad})} for LoRA, full fine-tuning and QLoRA, computed by torch.autograd."""
    tok = ByteTokenizer(f"{a.model}/tokenizer.json")
    records = [json.loads(line) for line in open(a.data, encoding="utf-8") if line.strip()]
    out = {}
    for setup in ("lora", "full", "qlora"):
        if setup != "full" and not a.adapter:
            continue
        model = Llama(a.model, None if setup == "full" else a.adapter)
        if setup == "qlora":
            for name in list(model.w):
                if name.endswith("_proj.weight"):
                    model.w[name] = nf4_round_trip(model.w[name])
        model.to(dtype)
        tokens, targets = padded_batch(tok, records, model.cfg["max_position_embeddings"])
        leaves = model.w if setup == "full" else {
            f"base_model.model.{p}.lora_{k}.weight": v for p, ab in model.lora.items() for k, v in ab.items()}
        for v in leaves.values():
            v.requires_grad_(True)
        logits = model.forward(tokens)
        count = int((targets != -100).sum())
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100, reduction="sum") / count
        loss.backward()
        out[setup] = (loss.item(), {n: v.grad.detach() for n, v in leaves.items()}, count, tuple(tokens.shape))
    return out


def write_grads(a):
    ref = batch_grads(a, torch.float64)
    f32 = batch_grads(a, torch.float32)
    tensors, meta, summary = {}, {"torch": torch.__version__, "dtype": "float64"}, {}
    for setup, (loss, grads, count, shape) in ref.items():
        for n, g in grads.items():
            tensors[f"{setup}/{n}"] = g
        meta[f"{setup}.loss"] = repr(loss)
        meta[f"{setup}.count"] = str(count)
        meta["batch"] = json.dumps(list(shape))
        # how far torch's own float32 autograd is from float64: the floor any fp32 engine can reach
        worst = max(float((f32[setup][1][n].double() - g).norm() / g.norm()) for n, g in grads.items())
        summary[setup] = {"loss": loss, "targets": count, "tensors": len(grads), "torch_fp32_vs_fp64_worst_rel": worst}
    write_safetensors(a.grads, tensors, meta)
    print(json.dumps({"grads": a.grads, "batch": list(ref["full"][3]), **summary, "torch": torch.__version__}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--adapter")
    ap.add_argument("--data", required=True)
    ap.add_argument("--grads", help="write autograd gradients (float64) of the data as one batch to this .safetensors file")
    a = ap.parse_args()
    if a.grads:
        torch.set_num_threads(1)  # one summation order for the reference
        write_grads(a)
        return
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

# The course's serving example, rewritten for the benchmark: two routes, a blocking call to the backend's
# /api/chat per request, run by uvicorn. Used only by bench/serve.mjs to compare against `ftlab serve`.
import os

import requests
from fastapi import FastAPI
from pydantic import BaseModel

BACKEND = os.environ.get("OLLAMA_HOST", "http://127.0.0.1:11434")
app = FastAPI(title="Model Serving API (bench peer)")


class PromptRequest(BaseModel):
    prompt: str
    model: str = "ftlab-micro"


class PromptResponse(BaseModel):
    model: str
    prompt: str
    response: str


@app.get("/health")
def health():
    return {"status": "healthy"}


@app.post("/generate", response_model=PromptResponse)
def generate(req: PromptRequest):
    reply = requests.post(
        f"{BACKEND}/api/chat",
        json={"model": req.model, "messages": [{"role": "user", "content": req.prompt}], "stream": False},
    )
    return PromptResponse(model=req.model, prompt=req.prompt, response=reply.json()["message"]["content"])

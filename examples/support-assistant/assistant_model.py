"""A small deterministic stand-in for a chat model, so the example runs offline.

It is NOT a language model: it answers with the FAQ entry whose question shares the most
words with the user's question, and says so when nothing matches. It never repeats the
system prompt, a retrieved document or the user's message. It is called through the same
client interface as an OpenAI-compatible endpoint (``client.chat.completions.create(model=...,
messages=[...])``), so the application code does not change when you point it at a real one
(see README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

_WORD = re.compile(r"[a-z0-9]+")
_STOP = {"a", "an", "the", "is", "are", "do", "does", "i", "my", "you", "your", "can", "to",
         "of", "for", "what", "how", "when", "on", "in", "it", "me", "be", "we", "our", "and"}  # fmt: skip


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _faq(system: str) -> list[tuple[str, str]]:
    """The ``Q: … / A: …`` pairs the system prompt carries."""
    return re.findall(r"^Q: (.+)\nA: (.+)$", system, flags=re.MULTILINE)


@dataclass
class _Completions:
    def create(self, *, model: str, messages: list[dict[str, str]], **_: Any) -> Any:
        system = "\n".join(m["content"] for m in messages if m["role"] == "system")
        question = next(m["content"] for m in reversed(messages) if m["role"] == "user")
        asked = _words(question)
        best, overlap = None, 0
        for q, a in _faq(system):
            shared = len(asked & _words(q))
            if shared > overlap:
                best, overlap = a, shared
        text = best if best and overlap >= 1 else (
            "I can only help with questions about orders, delivery, returns and refunds."
        )  # fmt: skip
        message = SimpleNamespace(role="assistant", content=text)
        return SimpleNamespace(model=model, choices=[SimpleNamespace(index=0, message=message)])


class StandInClient:
    """The stand-in, with the ``chat.completions.create`` of an OpenAI-style client."""

    def __init__(self) -> None:
        self.chat = SimpleNamespace(completions=_Completions())


def client_for(model: str) -> Any:
    """The stand-in for ``model == "stand-in"``; otherwise an OpenAI-compatible client on
    ``OPENAI_BASE_URL`` with ``OPENAI_API_KEY`` (the ``openai`` package, not installed here)."""
    if model == "stand-in":
        return StandInClient()
    from openai import OpenAI  # only when you point the example at a real endpoint

    return OpenAI()

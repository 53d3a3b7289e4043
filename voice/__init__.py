"""The child's voice: consultation before a looked-after review and feedback after it, answered
from a link that needs no account (docs/rules.md#the-childs-voice,
docs/decisions/0010-the-childs-voice.md)."""

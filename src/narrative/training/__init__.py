"""How the shipped models are made: the sentiment trainer, the ONNX builders and the labelled data we wrote.

Nothing here is loaded at annotation time (that is `narrative.models`). The labelled sentences in
`sentiment_data/` live in the source tree and are left out of the wheel: only retraining reads them,
and retraining is a developer's job done from a checkout (`narrative models train-sentiment` then finds
them; from an installed wheel it asks for `--data`).
"""

from pathlib import Path

SENTIMENT_DATA = Path(__file__).resolve().parent / "sentiment_data" / "train.jsonl"
ARTIFACTS = Path(__file__).resolve().parents[1] / "models" / "artifacts"

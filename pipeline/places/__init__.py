"""Places: the gazetteer of administrative divisions, place mentions and a document's place."""

from pipeline.places.document_place import document_place, known_units
from pipeline.places.gazetteer import Gazetteer, Unit, load_gazetteer
from pipeline.places.mentions import find_mentions

__all__ = ["Gazetteer", "Unit", "document_place", "find_mentions", "known_units", "load_gazetteer"]

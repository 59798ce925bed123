"""The route guide's pure rule engine: situation -> advice with reasons. No Django import here.

    vocab = load_vocabulary(content / "vocabulary.yaml")
    ruleset = load_ruleset(content / "routeguide/rules", vocab, content / "routeguide/schema/rules.schema.json")
    advice = evaluate(validate_situation(data, vocab), ruleset)
"""

from .engine import Advice, EngineError, Reason, Step, evaluate, invariant_violations
from .rules import Rule, RuleSet, RuleSetError, build_ruleset, load_ruleset
from .situation import Situation, SituationError, validate_situation
from .vocabulary import Vocabulary, VocabularyError, load_vocabulary, parse_vocabulary

__all__ = [
    "Advice",
    "EngineError",
    "Reason",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Situation",
    "SituationError",
    "Step",
    "Vocabulary",
    "VocabularyError",
    "build_ruleset",
    "evaluate",
    "invariant_violations",
    "load_ruleset",
    "load_vocabulary",
    "parse_vocabulary",
    "validate_situation",
]

"""The offline engine stand-in: run the program under mocks, record it, judge it with the policy pack.

    recording = run_stack("dev", Path("."))            # or run_program(callable, stack=..., config=...)
    with PolicyPackProcess() as pack:                  # `python -m pulumi.policy <engine> policy/`
        verdicts = pack.analyze(recording, config)     # GetAnalyzerInfo/Configure/Analyze/AnalyzeStack
"""

from .policy_runner import PolicyPackError, PolicyPackProcess, Verdict, analyze_recording, load_policy_config
from .recording import DuplicateUrnError, RecordedResource, Recording
from .runner import OfflineRunError, ProgramLoggedError, run_program, run_stack

__all__ = [
    "DuplicateUrnError",
    "OfflineRunError",
    "PolicyPackError",
    "PolicyPackProcess",
    "ProgramLoggedError",
    "RecordedResource",
    "Recording",
    "Verdict",
    "analyze_recording",
    "load_policy_config",
    "run_program",
    "run_stack",
]

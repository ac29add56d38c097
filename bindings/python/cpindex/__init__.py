"""cpindex: common-prosperity indices from Python (ctypes over ``libcpindex``).

Standard library only at run time; numpy and pandas are used when present.

>>> import cpindex
>>> fw = cpindex.Framework.builtin("quzhou-2021-2025")
>>> fw.indicator("gdp").unit.label
'亿元'

The shared library is found through ``$CPINDEX_LIBRARY``, the package folder, the cargo
target directory of this source tree, then the system search path; its ABI version is
checked at import (:mod:`cpindex._native`).
"""

from __future__ import annotations

from ._errors import (
    BufferTooSmall,
    CpindexError,
    DomainError,
    EmptyInput,
    InternalError,
    InvalidArgument,
    InvalidFramework,
    InvalidSpec,
    InvalidUtf8,
    InvalidValue,
    IoError,
    JsonError,
    LengthMismatch,
    LibraryError,
    MissingValue,
    NotAvailable,
    NullArgument,
    ParseError,
    UnknownId,
)
from ._native import ABI_VERSION, LIB as _LIB
from .distribution import (
    BandRule,
    Distribution,
    DistributionCounts,
    GeDecomposition,
    GiniDecomposition,
    MaxMin,
    Measure,
    MissingPolicy,
    QuantileMethod,
    ShareRatioMethod,
    atkinson,
    coefficient_of_variation,
    generalized_entropy,
    ge_decomposition,
    gini,
    gini_decomposition,
    mean_log_deviation,
    palma_ratio,
    quantile,
    quintile_share_ratio,
    share_in_band,
    theil_t,
)
from .engine import IndexResult, WeightKind, run_index
from .evaluate import Evaluation, evaluate
from .sensitivity import SensitivityResult, run_sensitivity
from .monitor import (
    AchievementField,
    Colour,
    DynamicSeries,
    MonitorResult,
    ScheduleStatus,
    StatusKind,
    TrendClass,
    run_monitor,
)
from .framework import Dimension, Framework, Indicator, InterimTarget, Interval, Kind, Polarity, Unit
from .panel import Panel
from .run import Result, build_request, run, run_json, run_json_text, run_json_to_file, to_pandas

__version__ = "0.1.0"


def library_version() -> str:
    """The version string of the loaded ``libcpindex`` (``cpindex_version_string``)."""
    return _LIB.cpindex_version_string().decode("utf-8")


def abi_version() -> int:
    """The ABI version of the loaded library (equals :data:`ABI_VERSION`)."""
    return int(_LIB.cpindex_abi_version())


def library_path() -> str:
    """The absolute path of the loaded shared library."""
    return _LIB.path


def release_cached_buffers() -> int:
    """Frees the large value buffers the library keeps for reuse after a panel or an index
    result is freed (at most 8 buffers, 192 MiB; they spare repeated runs the page faults
    of fresh memory) and returns the number of bytes released
    (``cpindex_release_cached_buffers``; 0 with an older library)."""
    if not _LIB.has("cpindex_release_cached_buffers"):
        return 0
    return int(_LIB.cpindex_release_cached_buffers())


__all__ = [
    "ABI_VERSION",
    "abi_version",
    "library_path",
    "library_version",
    "release_cached_buffers",
    # model
    "Framework",
    "Dimension",
    "Indicator",
    "InterimTarget",
    "Unit",
    "Interval",
    "Polarity",
    "Kind",
    # data
    "Panel",
    # engine and monitoring
    "run_index",
    "evaluate",
    "Evaluation",
    "IndexResult",
    "SensitivityResult",
    "run_sensitivity",
    "WeightKind",
    "run_monitor",
    "MonitorResult",
    "AchievementField",
    "ScheduleStatus",
    "TrendClass",
    "Colour",
    "StatusKind",
    "DynamicSeries",
    # JSON entry point
    "run",
    "build_request",
    "run_json",
    "run_json_text",
    "run_json_to_file",
    "Result",
    "to_pandas",
    # distribution
    "gini",
    "theil_t",
    "mean_log_deviation",
    "generalized_entropy",
    "atkinson",
    "coefficient_of_variation",
    "palma_ratio",
    "quintile_share_ratio",
    "quantile",
    "share_in_band",
    "ge_decomposition",
    "gini_decomposition",
    "GeDecomposition",
    "GiniDecomposition",
    "Distribution",
    "DistributionCounts",
    "MaxMin",
    "Measure",
    "MissingPolicy",
    "QuantileMethod",
    "BandRule",
    "ShareRatioMethod",
    # errors
    "CpindexError",
    "LibraryError",
    "NotAvailable",
    "NullArgument",
    "InvalidArgument",
    "InvalidUtf8",
    "BufferTooSmall",
    "InternalError",
    "InvalidFramework",
    "InvalidValue",
    "DomainError",
    "MissingValue",
    "LengthMismatch",
    "EmptyInput",
    "UnknownId",
    "ParseError",
    "JsonError",
    "InvalidSpec",
    "IoError",
]

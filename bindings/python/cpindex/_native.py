"""Loading ``libcpindex`` and declaring every C function in ONE table.

Search order (the first existing file wins; every path tried is reported on failure):

1. the environment variable ``CPINDEX_LIBRARY`` (an absolute path to the shared library);
2. the package folder (``cpindex/libcpindex.so`` inside a wheel or an installed package);
3. the cargo target directory of the source tree this package sits in
   (``$CARGO_TARGET_DIR`` or ``<repo>/target``, then ``release``, ``debug``, ``debug/deps``;
   ``cargo test`` leaves the cdylib only in ``debug/deps``);
4. ``ctypes.util.find_library("cpindex")`` (a system install made with ``cargo cinstall``).

The library is loaded once, by absolute path, at import; ``cpindex_abi_version()`` must
equal :data:`ABI_VERSION` or the import fails with a "rebuild" message (the uniffi
contract-version handshake). Every function listed in :data:`_TABLE` gets ``argtypes``,
``restype`` and, for status-returning functions, an ``errcheck`` that raises the exception
of :mod:`cpindex._errors` with the calling thread's last-error message.

Adding a C function: add one row to :data:`_TABLE` (``optional=True`` if an older library
may lack it) and call it as ``LIB.<name>`` from the module that wraps it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from ctypes import (
    POINTER,
    Structure,
    byref,
    c_char_p,
    c_double,
    c_int32,
    c_size_t,
    c_uint32,
    c_uint64,
)
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from . import _errors
from ._errors import LibraryError, NotAvailable, error_for

#: The ABI version this package was written for (``CPINDEX_ABI_VERSION`` in the header).
ABI_VERSION = 1

#: Name of the environment variable that overrides the library search.
ENV_VAR = "CPINDEX_LIBRARY"


# --------------------------------------------------------------------------- C types


class FrameworkT(Structure):
    """Opaque ``struct cpindex_framework`` (only ever used through a pointer)."""


class PanelT(Structure):
    """Opaque ``struct cpindex_panel`` (only ever used through a pointer)."""


class DistributionT(Structure):
    """Opaque ``struct cpindex_distribution`` (only ever used through a pointer)."""


class CMaxMin(Structure):
    """``struct cpindex_max_min``: largest/smallest value, their positions, the ratio."""

    _fields_ = [
        ("max", c_double),
        ("max_position", c_size_t),
        ("min", c_double),
        ("min_position", c_size_t),
        ("ratio", c_double),
    ]


class IndexResultT(Structure):
    """Opaque ``struct cpindex_index_result``."""


class SensitivityResultT(Structure):
    """Opaque ``struct cpindex_sensitivity_result``."""


class SpecT(Structure):
    """Opaque ``struct cpindex_spec``."""


class MonitorResultT(Structure):
    """Opaque ``struct cpindex_monitor_result``."""


class EvaluationT(Structure):
    """Opaque ``cpindex_evaluation``."""


class CEstimate(Structure):
    """``struct cpindex_estimate``: a weighted survey estimate with SE, CI, deff, n."""

    _fields_ = [
        ("mean", c_double),
        ("se", c_double),
        ("ci_lower", c_double),
        ("ci_upper", c_double),
        ("deff", c_double),
        ("n_effective", c_double),
        ("n", c_size_t),
        ("nonresponse", c_size_t),
    ]


class CDistributionTarget(Structure):
    """``struct cpindex_distribution_target``: value, target, kind and colour codes."""

    _fields_ = [
        ("value", c_double),
        ("target", c_double),
        ("kind", c_uint32),
        ("colour", c_uint32),
    ]


class CStr(Structure):
    """``struct cpindex_str``: a borrowed UTF-8 view ``{data, len}``."""

    _fields_ = [("data", c_char_p), ("len", c_size_t)]


class CInterval(Structure):
    """``struct cpindex_interval``: the band of an interval polarity."""

    _fields_ = [
        ("lower", c_double),
        ("upper", c_double),
        ("tolerance_lower", c_double),
        ("tolerance_upper", c_double),
    ]


class SummaryT(Structure):
    """Opaque ``struct cpindex_summary``."""


class RankPartitionT(Structure):
    """Opaque ``struct cpindex_rank_partition``."""


class RankPlanT(Structure):
    """Opaque ``struct cpindex_rank_plan``."""


class CRankQuery(Structure):
    """``struct cpindex_rank_query``: a query kind code and two arguments."""

    _fields_ = [("kind", c_uint32), ("a", c_double), ("b", c_double)]


class CProbe(Structure):
    """``struct cpindex_probe``: one pass-2 question for one partition."""

    _fields_ = [
        ("partition", c_size_t),
        ("kind", c_uint32),
        ("arg", c_double),
        ("offset_w", c_double),
        ("offset_wx", c_double),
    ]


FRAMEWORK_P = POINTER(FrameworkT)
PANEL_P = POINTER(PanelT)
DIST_P = POINTER(DistributionT)
INDEX_P = POINTER(IndexResultT)
SENS_P = POINTER(SensitivityResultT)
MONITOR_P = POINTER(MonitorResultT)
SPEC_P = POINTER(SpecT)
EVAL_P = POINTER(EvaluationT)
DOUBLE_P = POINTER(c_double)
SIZE_P = POINTER(c_size_t)
U32_P = POINTER(c_uint32)
SUMMARY_P = POINTER(SummaryT)
RANK_PART_P = POINTER(RankPartitionT)
RANK_PLAN_P = POINTER(RankPlanT)
U8_P = POINTER(ctypes.c_uint8)
U64_P = POINTER(ctypes.c_uint64)
I32_P = POINTER(c_int32)
STATUS = c_uint32

# errcheck kinds of the table
RAW = "raw"  # no status: returns a value (or void)
CHECK = "check"  # returns cpindex_status; any non-zero status raises
SIZED = "sized"  # as CHECK, but BUFFER_TOO_SMALL is returned (size-query functions)


class Row(NamedTuple):
    """One C function: name, restype, argtypes, errcheck kind, and whether it may be absent."""

    name: str
    restype: Any
    argtypes: Tuple[Any, ...]
    kind: str = CHECK
    optional: bool = False


# (values, weights /* NULL */, n, <params…>, double *out) -> status: distribution measures
def _measure(name: str, *params: Any) -> Row:
    return Row(name, STATUS, (DOUBLE_P, DOUBLE_P, c_size_t) + params + (DOUBLE_P,), CHECK, True)


# --------------------------------------------------------------------------- THE table
_TABLE: Tuple[Row, ...] = (
    # errors, status, version
    Row("cpindex_last_error_message", STATUS, (c_char_p, c_size_t, SIZE_P), RAW),
    Row("cpindex_last_error_clear", None, (), RAW),
    Row("cpindex_status_str", c_char_p, (c_uint32,), RAW),  # static string: never freed
    Row("cpindex_version_string", c_char_p, (), RAW),  # static string: never freed
    Row("cpindex_abi_version", c_uint32, (), RAW),
    Row("cpindex_debug_panic", STATUS, (), CHECK, True),  # test-only export
    # frameworks
    Row("cpindex_framework_builtin", STATUS, (c_char_p, c_size_t, POINTER(FRAMEWORK_P))),
    Row("cpindex_framework_from_json", STATUS, (c_char_p, c_size_t, POINTER(FRAMEWORK_P))),
    Row("cpindex_framework_to_json", STATUS, (FRAMEWORK_P, c_char_p, c_size_t, SIZE_P), SIZED),
    Row("cpindex_framework_clone", STATUS, (FRAMEWORK_P, POINTER(FRAMEWORK_P))),
    Row("cpindex_framework_free", None, (FRAMEWORK_P,), RAW),
    Row("cpindex_framework_text", STATUS, (FRAMEWORK_P, c_uint32, c_char_p, c_size_t, SIZE_P), SIZED),
    Row("cpindex_framework_years", STATUS, (FRAMEWORK_P, I32_P, I32_P)),
    Row("cpindex_framework_dimension_count", STATUS, (FRAMEWORK_P, SIZE_P)),
    Row("cpindex_framework_indicator_count", STATUS, (FRAMEWORK_P, SIZE_P)),
    Row("cpindex_framework_dimension_index", STATUS, (FRAMEWORK_P, c_char_p, c_size_t, SIZE_P)),
    Row("cpindex_framework_indicator_index", STATUS, (FRAMEWORK_P, c_char_p, c_size_t, SIZE_P)),
    Row(
        "cpindex_framework_dimension_text",
        STATUS,
        (FRAMEWORK_P, c_size_t, c_uint32, c_char_p, c_size_t, SIZE_P),
        SIZED,
    ),
    Row("cpindex_framework_dimension_weight", STATUS, (FRAMEWORK_P, c_size_t, DOUBLE_P)),
    Row(
        "cpindex_framework_indicator_text",
        STATUS,
        (FRAMEWORK_P, c_size_t, c_uint32, c_char_p, c_size_t, SIZE_P),
        SIZED,
    ),
    Row("cpindex_framework_indicator_number", STATUS, (FRAMEWORK_P, c_size_t, c_uint32, DOUBLE_P)),
    Row("cpindex_framework_indicator_flags", STATUS, (FRAMEWORK_P, c_size_t, U32_P)),
    Row("cpindex_framework_indicator_polarity", STATUS, (FRAMEWORK_P, c_size_t, U32_P)),
    Row("cpindex_framework_indicator_interval", STATUS, (FRAMEWORK_P, c_size_t, POINTER(CInterval))),
    Row("cpindex_framework_indicator_kind", STATUS, (FRAMEWORK_P, c_size_t, U32_P)),
    Row("cpindex_framework_indicator_dimension", STATUS, (FRAMEWORK_P, c_size_t, SIZE_P)),
    Row(
        "cpindex_framework_indicator_interim_targets",
        STATUS,
        (FRAMEWORK_P, c_size_t, I32_P, DOUBLE_P, c_size_t, SIZE_P),
        SIZED,
        True,  # added after the first ABI round
    ),
    # panels
    Row(
        "cpindex_panel_new",
        STATUS,
        (
            POINTER(CStr),
            c_size_t,
            I32_P,
            c_size_t,
            POINTER(CStr),
            c_size_t,
            DOUBLE_P,
            c_size_t,
            POINTER(PANEL_P),
        ),
    ),
    Row("cpindex_panel_free", None, (PANEL_P,), RAW),
    Row("cpindex_set_max_panel_cells", c_size_t, (c_size_t,), RAW),
    Row("cpindex_max_panel_cells", c_size_t, (), RAW),
    # the buffer cache (issue 16; optional for older libraries)
    Row("cpindex_release_cached_buffers", c_size_t, (), RAW, optional=True),
    Row("cpindex_panel_dims", STATUS, (PANEL_P, SIZE_P, SIZE_P, SIZE_P)),
    Row("cpindex_panel_get", STATUS, (PANEL_P, c_size_t, c_size_t, c_size_t, DOUBLE_P)),
    Row(
        "cpindex_panel_get_by_id",
        STATUS,
        (PANEL_P, c_char_p, c_size_t, c_int32, c_char_p, c_size_t, DOUBLE_P),
    ),
    Row("cpindex_panel_set", STATUS, (PANEL_P, c_size_t, c_size_t, c_size_t, c_double)),
    Row("cpindex_panel_unit_id", STATUS, (PANEL_P, c_size_t, c_char_p, c_size_t, SIZE_P), SIZED),
    Row("cpindex_panel_indicator_id", STATUS, (PANEL_P, c_size_t, c_char_p, c_size_t, SIZE_P), SIZED),
    # every id in one call (NUL after each): optional so an older library still loads
    Row("cpindex_panel_ids", STATUS, (PANEL_P, c_uint32, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_panel_periods", STATUS, (PANEL_P, I32_P, c_size_t, SIZE_P), SIZED),
    # a panel from NUL-joined ids and row- or column-major values in one call (issue 16)
    Row(
        "cpindex_panel_from_arrays",
        STATUS,
        (
            c_char_p,
            c_size_t,
            c_size_t,
            I32_P,
            c_size_t,
            c_char_p,
            c_size_t,
            c_size_t,
            DOUBLE_P,
            c_size_t,
            c_uint32,
            POINTER(PANEL_P),
        ),
        CHECK,
        True,
    ),
    Row("cpindex_panel_values", STATUS, (PANEL_P, DOUBLE_P, c_size_t, SIZE_P), SIZED),
    Row("cpindex_panel_check_framework", STATUS, (PANEL_P, FRAMEWORK_P)),
    # JSON-in / JSON-out
    Row("cpindex_run_json", STATUS, (c_char_p, c_size_t, c_char_p, c_size_t, SIZE_P), SIZED),
    # the response in a handle (evaluated once) and streamed to a file (issue 16; optional)
    Row("cpindex_json_call", STATUS, (c_char_p, c_size_t, POINTER(ctypes.c_void_p)), CHECK, True),
    Row("cpindex_json_response_size", STATUS, (ctypes.c_void_p, SIZE_P), CHECK, True),
    Row("cpindex_json_response_data", STATUS, (ctypes.c_void_p, POINTER(ctypes.c_void_p), SIZE_P), CHECK, True),
    Row("cpindex_json_response_copy", STATUS, (ctypes.c_void_p, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_json_response_free", None, (ctypes.c_void_p,), RAW, True),
    Row("cpindex_run_json_to_file", STATUS, (c_char_p, c_size_t, c_char_p, c_size_t, SIZE_P), CHECK, True),
    # distribution measures (issue 6 signatures; later round, hence optional)
    _measure("cpindex_gini"),
    _measure("cpindex_theil_t"),
    _measure("cpindex_mean_log_deviation"),
    _measure("cpindex_generalized_entropy", c_double),
    _measure("cpindex_atkinson", c_double),
    _measure("cpindex_coefficient_of_variation"),
    _measure("cpindex_palma_ratio"),
    _measure("cpindex_quintile_share_ratio"),
    _measure("cpindex_quantile", c_double),
    _measure("cpindex_share_in_band", c_double, c_double),
    # decompositions by group (values, weights|NULL, groups, n, …outputs)
    Row(
        "cpindex_ge_decomposition",
        STATUS,
        (DOUBLE_P, DOUBLE_P, U32_P, c_size_t, c_double, DOUBLE_P, DOUBLE_P, DOUBLE_P),
        CHECK,
        True,
    ),
    Row(
        "cpindex_gini_decomposition",
        STATUS,
        (DOUBLE_P, DOUBLE_P, U32_P, c_size_t, DOUBLE_P, DOUBLE_P, DOUBLE_P, DOUBLE_P),
        CHECK,
        True,
    ),
    # the reusable distribution handle (sorted once, queried many times)
    Row("cpindex_distribution_new", STATUS, (DOUBLE_P, DOUBLE_P, c_size_t, c_uint32, POINTER(DIST_P)), CHECK, True),
    Row("cpindex_distribution_clone", STATUS, (DIST_P, POINTER(DIST_P)), CHECK, True),
    Row("cpindex_distribution_free", None, (DIST_P,), RAW, True),
    Row("cpindex_distribution_counts", STATUS, (DIST_P, SIZE_P, SIZE_P, SIZE_P, SIZE_P), CHECK, True),
    Row("cpindex_distribution_measure", STATUS, (DIST_P, c_uint32, c_double, DOUBLE_P), CHECK, True),
    Row("cpindex_distribution_quantile", STATUS, (DIST_P, c_double, c_uint32, DOUBLE_P), CHECK, True),
    Row("cpindex_distribution_lorenz", STATUS, (DIST_P, c_double, DOUBLE_P), CHECK, True),
    Row("cpindex_distribution_income_share", STATUS, (DIST_P, c_double, c_double, DOUBLE_P), CHECK, True),
    Row("cpindex_distribution_quintile_share_ratio", STATUS, (DIST_P, c_uint32, DOUBLE_P), CHECK, True),
    Row(
        "cpindex_distribution_share_in_band",
        STATUS,
        (DIST_P, c_double, c_double, c_uint32, DOUBLE_P),
        CHECK,
        True,
    ),
    Row("cpindex_distribution_max_min", STATUS, (DIST_P, POINTER(CMaxMin)), CHECK, True),
    Row("cpindex_distribution_sorted_values", STATUS, (DIST_P, DOUBLE_P, c_size_t, SIZE_P), SIZED, True),
    # mergeable summaries and two-pass rank measures (issue 15; optional for older libraries)
    Row(
        "cpindex_summary_new",
        STATUS,
        (DOUBLE_P, DOUBLE_P, c_size_t, DOUBLE_P, c_size_t, c_uint32, POINTER(SUMMARY_P)),
        CHECK,
        True,
    ),
    Row("cpindex_summary_merge", STATUS, (SUMMARY_P, SUMMARY_P), CHECK, True),
    Row("cpindex_summary_measure", STATUS, (SUMMARY_P, c_uint32, c_double, DOUBLE_P), CHECK, True),
    Row("cpindex_summary_counts", STATUS, (SUMMARY_P, U64_P, U64_P, U64_P), CHECK, True),
    Row("cpindex_summary_to_bytes", STATUS, (SUMMARY_P, U8_P, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_summary_from_bytes", STATUS, (U8_P, c_size_t, POINTER(SUMMARY_P)), CHECK, True),
    Row("cpindex_summary_free", None, (SUMMARY_P,), RAW, True),
    Row(
        "cpindex_summary_ge_decomposition",
        STATUS,
        (POINTER(SUMMARY_P), U32_P, c_size_t, c_double, DOUBLE_P, DOUBLE_P, DOUBLE_P),
        CHECK,
        True,
    ),
    Row(
        "cpindex_rank_partition_new",
        STATUS,
        (DOUBLE_P, DOUBLE_P, c_size_t, c_uint32, POINTER(RANK_PART_P)),
        CHECK,
        True,
    ),
    Row("cpindex_rank_partition_to_bytes", STATUS, (RANK_PART_P, U8_P, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_rank_partition_from_bytes", STATUS, (U8_P, c_size_t, POINTER(RANK_PART_P)), CHECK, True),
    Row("cpindex_rank_partition_free", None, (RANK_PART_P,), RAW, True),
    Row("cpindex_rank_plan_new", STATUS, (POINTER(RANK_PART_P), c_size_t, POINTER(RANK_PLAN_P)), CHECK, True),
    Row("cpindex_rank_plan_free", None, (RANK_PLAN_P,), RAW, True),
    Row(
        "cpindex_rank_plan_probes",
        STATUS,
        (RANK_PLAN_P, POINTER(CRankQuery), c_size_t, POINTER(CProbe), c_size_t, SIZE_P),
        SIZED,
        True,
    ),
    Row(
        "cpindex_rank_plan_gini_decomposition",
        STATUS,
        (RANK_PLAN_P, POINTER(RANK_PLAN_P), POINTER(c_uint32), c_size_t, DOUBLE_P, DOUBLE_P, DOUBLE_P, DOUBLE_P),
        CHECK,
        True,
    ),
    Row(
        "cpindex_rank_plan_next_probes",
        STATUS,
        (RANK_PLAN_P, POINTER(CRankQuery), c_size_t, DOUBLE_P, c_size_t, POINTER(CProbe), c_size_t, SIZE_P),
        SIZED,
        True,
    ),
    Row(
        "cpindex_rank_answer_probes",
        STATUS,
        (DOUBLE_P, DOUBLE_P, c_size_t, c_uint32, POINTER(CProbe), c_size_t, DOUBLE_P),
        CHECK,
        True,
    ),
    Row(
        "cpindex_rank_plan_finish",
        STATUS,
        (RANK_PLAN_P, POINTER(CRankQuery), c_size_t, DOUBLE_P, c_size_t, DOUBLE_P),
        CHECK,
        True,
    ),
    # panel from CSV text (layout code, optional framework check)
    Row(
        "cpindex_panel_from_csv",
        STATUS,
        (c_char_p, c_size_t, c_uint32, FRAMEWORK_P, POINTER(PANEL_P)),
        CHECK,
        True,
    ),
    # panel from a data file's bytes: CSV in any encoding or an .xlsx workbook
    Row(
        "cpindex_panel_read",
        STATUS,
        (c_char_p, c_size_t, CStr, c_uint32, c_uint32, CStr, c_size_t, c_uint32, FRAMEWORK_P, POINTER(PANEL_P)),
        CHECK,
        True,
    ),
    # the composite-index engine
    Row("cpindex_index_run", STATUS, (FRAMEWORK_P, PANEL_P, c_char_p, c_size_t, POINTER(INDEX_P)), CHECK, True),
    Row("cpindex_index_result_free", None, (INDEX_P,), RAW, True),
    Row("cpindex_index_result_dims", STATUS, (INDEX_P, SIZE_P, SIZE_P, SIZE_P, SIZE_P), CHECK, True),
    Row("cpindex_index_result_id", STATUS, (INDEX_P, c_uint32, c_size_t, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_index_result_ids", STATUS, (INDEX_P, c_uint32, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_index_result_periods", STATUS, (INDEX_P, I32_P, c_size_t, SIZE_P), SIZED, True),
    *[
        Row(
            f"cpindex_index_result_{table}",
            STATUS,
            (INDEX_P, c_char_p, c_size_t, c_int32, DOUBLE_P, c_size_t, SIZE_P),
            SIZED,
            True,
        )
        for table in ("scores", "ranks", "normalised", "contributions", "obstacles")
    ],
    Row(
        "cpindex_index_result_weights",
        STATUS,
        (INDEX_P, c_char_p, c_size_t, c_int32, c_uint32, DOUBLE_P, c_size_t, SIZE_P),
        SIZED,
        True,
    ),
    Row(
        "cpindex_index_result_child_id",
        STATUS,
        (INDEX_P, c_char_p, c_size_t, c_size_t, c_char_p, c_size_t, SIZE_P),
        SIZED,
        True,
    ),
    Row("cpindex_index_result_to_json", STATUS, (INDEX_P, c_char_p, c_size_t, SIZE_P), SIZED, True),
    # uncertainty and sensitivity analysis (optional: older libraries lack it)
    Row("cpindex_sensitivity_run", STATUS, (FRAMEWORK_P, PANEL_P, c_char_p, c_size_t, POINTER(SENS_P)), CHECK, True),
    Row("cpindex_sensitivity_result_free", None, (SENS_P,), RAW, True),
    Row(
        "cpindex_sensitivity_result_dims",
        STATUS,
        (SENS_P, SIZE_P, SIZE_P, SIZE_P, SIZE_P, I32_P, POINTER(c_uint64)),
        CHECK,
        True,
    ),
    Row("cpindex_sensitivity_result_id", STATUS, (SENS_P, c_uint32, c_size_t, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_sensitivity_result_units", STATUS, (SENS_P, c_uint32, DOUBLE_P, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_sensitivity_result_indices", STATUS, (SENS_P, c_uint32, DOUBLE_P, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_sensitivity_result_json", STATUS, (SENS_P, c_char_p, c_size_t, SIZE_P), SIZED, True),
    # plan monitoring
    Row("cpindex_monitor_run", STATUS, (FRAMEWORK_P, PANEL_P, c_char_p, c_size_t, POINTER(MONITOR_P)), CHECK, True),
    Row(
        "cpindex_monitor_run_threads",
        STATUS,
        (FRAMEWORK_P, PANEL_P, c_char_p, c_size_t, c_size_t, POINTER(MONITOR_P)),
        CHECK,
        True,
    ),
    Row("cpindex_monitor_result_free", None, (MONITOR_P,), RAW, True),
    Row("cpindex_monitor_result_dims", STATUS, (MONITOR_P, I32_P, I32_P, I32_P, SIZE_P), CHECK, True),
    Row("cpindex_monitor_result_unit_id", STATUS, (MONITOR_P, c_size_t, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_monitor_result_ids", STATUS, (MONITOR_P, c_uint32, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row(
        "cpindex_monitor_result_achievement",
        STATUS,
        (MONITOR_P, c_char_p, c_size_t, c_char_p, c_size_t, c_int32, c_uint32, DOUBLE_P),
        CHECK,
        True,
    ),
    Row(
        "cpindex_monitor_result_unit_achievement",
        STATUS,
        (MONITOR_P, c_char_p, c_size_t, c_char_p, c_size_t, c_int32, DOUBLE_P),
        CHECK,
        True,
    ),
    Row(
        "cpindex_monitor_result_achievements",
        STATUS,
        (MONITOR_P, c_char_p, c_size_t, c_int32, c_uint32, DOUBLE_P, c_size_t, SIZE_P),
        SIZED,
        True,
    ),
    Row(
        "cpindex_monitor_result_unit_achievements",
        STATUS,
        (MONITOR_P, c_char_p, c_size_t, c_int32, DOUBLE_P, c_size_t, SIZE_P),
        SIZED,
        True,
    ),
    Row(
        "cpindex_monitor_result_status",
        STATUS,
        (MONITOR_P, c_char_p, c_size_t, c_char_p, c_size_t, c_uint32, U32_P),
        CHECK,
        True,
    ),
    Row(
        "cpindex_monitor_result_dynamic",
        STATUS,
        (MONITOR_P, c_char_p, c_size_t, c_uint32, I32_P, DOUBLE_P, c_size_t, SIZE_P),
        SIZED,
        True,
    ),
    Row("cpindex_monitor_result_to_json", STATUS, (MONITOR_P, c_char_p, c_size_t, SIZE_P), SIZED, True),
    # the evaluation (everything the annual report shows)
    Row("cpindex_evaluate", STATUS, (FRAMEWORK_P, PANEL_P, c_char_p, c_size_t, DOUBLE_P, DOUBLE_P, DOUBLE_P, c_size_t, c_char_p, c_size_t, POINTER(EVAL_P)), CHECK, True),
    Row("cpindex_evaluation_free", None, (EVAL_P,), RAW, True),
    Row("cpindex_evaluation_satisfaction", STATUS, (EVAL_P, c_char_p, c_size_t, c_char_p, c_size_t, POINTER(CEstimate)), CHECK, True),
    Row("cpindex_evaluation_distribution_count", STATUS, (EVAL_P, SIZE_P), CHECK, True),
    Row("cpindex_evaluation_distribution", STATUS, (EVAL_P, c_size_t, POINTER(CDistributionTarget)), CHECK, True),
    Row("cpindex_evaluation_distribution_id", STATUS, (EVAL_P, c_size_t, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_evaluation_fingerprint", STATUS, (EVAL_P, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_evaluation_to_json", STATUS, (EVAL_P, c_char_p, c_size_t, SIZE_P), SIZED, True),
    # parsed, validated methodology specs (reusable across runs)
    Row("cpindex_spec_new", STATUS, (c_uint32, c_char_p, c_size_t, POINTER(SPEC_P)), CHECK, True),
    Row("cpindex_spec_free", None, (SPEC_P,), RAW, True),
    Row("cpindex_spec_get_kind", STATUS, (SPEC_P, U32_P), CHECK, True),
    Row("cpindex_spec_to_json", STATUS, (SPEC_P, c_char_p, c_size_t, SIZE_P), SIZED, True),
    Row("cpindex_index_run_spec", STATUS, (FRAMEWORK_P, PANEL_P, SPEC_P, POINTER(INDEX_P)), CHECK, True),
    Row("cpindex_monitor_run_spec", STATUS, (FRAMEWORK_P, PANEL_P, SPEC_P, POINTER(MONITOR_P)), CHECK, True),
)


# --------------------------------------------------------------------------- loading


def _lib_filenames() -> List[str]:
    if sys.platform == "win32":
        return ["cpindex.dll"]
    if sys.platform == "darwin":
        return ["libcpindex.dylib"]
    return ["libcpindex.so"]


def _candidates() -> List[Tuple[str, Optional[Path]]]:
    """(origin, path) pairs in search order; ``find_library`` comes last, separately."""
    out: List[Tuple[str, Optional[Path]]] = []
    env = os.environ.get(ENV_VAR)
    if env:
        out.append((f"${ENV_VAR}", Path(env)))
    here = Path(__file__).resolve().parent
    for name in _lib_filenames():
        out.append(("package folder", here / name))
    # bindings/python/cpindex/_native.py -> repository root is three levels up
    repo = here.parent.parent.parent
    target_dirs = []
    if os.environ.get("CARGO_TARGET_DIR"):
        target_dirs.append(Path(os.environ["CARGO_TARGET_DIR"]))
    if (repo / "Cargo.toml").is_file():
        target_dirs.append(repo / "target")
    for target in target_dirs:
        for sub in ("release", "debug", os.path.join("debug", "deps")):
            for name in _lib_filenames():
                out.append(("cargo target dir", target / sub / name))
    return out


def _find_and_load() -> Tuple[ctypes.CDLL, str]:
    tried: List[str] = []
    for origin, path in _candidates():
        if path is None:
            continue
        p = path.expanduser()
        if not p.is_absolute():
            p = p.resolve()
        if not p.is_file():
            tried.append(f"{p} ({origin}: no such file)")
            if origin.startswith("$"):
                # An explicit override that does not exist is an error, not a fallback.
                raise LibraryError(
                    f"{ENV_VAR}={path} does not name a file; unset it or point it at "
                    "libcpindex (cargo build --release puts it in target/release)"
                )
            continue
        try:
            return ctypes.CDLL(str(p)), str(p)
        except OSError as e:
            tried.append(f"{p} ({origin}: {e})")
            if origin.startswith("$"):
                raise LibraryError(f"cannot load {ENV_VAR}={p}: {e}") from e
    found = ctypes.util.find_library("cpindex")
    if found:
        try:
            return ctypes.CDLL(found), found
        except OSError as e:
            tried.append(f"{found} (find_library: {e})")
    else:
        tried.append("ctypes.util.find_library('cpindex') (nothing found)")
    raise LibraryError(
        "cannot find the cpindex shared library; build it with `cargo build --release` or "
        f"set {ENV_VAR}=/absolute/path/to/libcpindex.so. Tried:\n  " + "\n  ".join(tried)
    )


class _Lib:
    """The loaded library: one attribute per declared C function."""

    path: str
    cdll: ctypes.CDLL

    def has(self, name: str) -> bool:
        """Whether the loaded library exports ``name`` (as declared in the table)."""
        return name in self.__dict__

    def __getattr__(self, name: str) -> Any:
        # only reached for names not bound at load time: a later-round function
        if name.startswith("cpindex_"):
            self.require(name)
        raise AttributeError(name)

    def require(self, name: str) -> Callable[..., Any]:
        """The function ``name``, or :class:`NotAvailable` naming the library path."""
        fn = self.__dict__.get(name)
        if fn is None:
            raise NotAvailable(
                f"{name} is not exported by {self.path} (this cpindex build does not have it yet; "
                "rebuild a newer libcpindex)",
                None,
                name,
            )
        return fn


def last_error_message() -> str:
    """The calling thread's last error message from the library ("" when none)."""
    fn = LIB.cpindex_last_error_message
    n = c_size_t(0)
    size = 512
    for _ in range(3):
        buf = ctypes.create_string_buffer(size)
        st = fn(buf, size, byref(n))
        if st == _errors.OK:
            return buf.raw[: n.value].decode("utf-8", "replace")
        if st != _errors.BUFFER_TOO_SMALL:
            return ""
        size = n.value + 1
    return ""


def _raise_status(status: int, name: str) -> None:
    raise error_for(status, last_error_message(), name)


def _errcheck_check(result: int, func: Any, args: Any) -> int:
    if result != 0:
        _raise_status(result, func.__name__)
    return result


def _errcheck_sized(result: int, func: Any, args: Any) -> int:
    if result != 0 and result != _errors.BUFFER_TOO_SMALL:
        _raise_status(result, func.__name__)
    return result


def _declare(cdll: ctypes.CDLL, path: str) -> _Lib:
    lib = _Lib()
    lib.path = path
    lib.cdll = cdll
    missing = []
    for row in _TABLE:
        try:
            fn = getattr(cdll, row.name)
        except AttributeError:
            if not row.optional:
                missing.append(row.name)
            continue
        fn.restype = row.restype
        fn.argtypes = list(row.argtypes)
        if row.kind == CHECK:
            fn.errcheck = _errcheck_check
        elif row.kind == SIZED:
            fn.errcheck = _errcheck_sized
        setattr(lib, row.name, fn)
    if missing:
        raise LibraryError(
            f"{path} lacks {', '.join(missing)}: it is older than this Python package; "
            "rebuild it (cargo build --release) or point CPINDEX_LIBRARY at a current build"
        )
    return lib


def _load() -> _Lib:
    cdll, path = _find_and_load()
    lib = _declare(cdll, path)
    abi = lib.cpindex_abi_version()
    if abi != ABI_VERSION:
        raise LibraryError(
            f"{path} has ABI version {abi}, but this Python package needs {ABI_VERSION}: "
            "rebuild the library and reinstall the package from the same cpindex checkout"
        )
    return lib


#: The library, loaded at import.
LIB: _Lib = _load()


# --------------------------------------------------------------------------- helpers


def declared_functions() -> Dict[str, Row]:
    """The table, by C name (for tests and introspection)."""
    return {row.name: row for row in _TABLE}


def status_str(code: int) -> str:
    """The library's description of a status code (``cpindex_status_str``)."""
    raw = LIB.cpindex_status_str(code)
    return raw.decode("utf-8") if raw else ""


def read_text(fn: Callable[..., int], *args: Any, initial: int = 256) -> str:
    """Calls a ``(…, char *buf, size_t len, size_t *out_len)`` function and decodes the
    text, growing the buffer once if the library reports ``BUFFER_TOO_SMALL``."""
    n = c_size_t(0)
    size = initial
    for _ in range(4):  # the text cannot change between calls; 2 rounds suffice
        buf = ctypes.create_string_buffer(size)
        if fn(*args, buf, size, byref(n)) == _errors.OK:
            return buf.raw[: n.value].decode("utf-8")
        size = n.value + 1
    raise _errors.InternalError(f"{fn.__name__}: buffer size did not settle", 6, fn.__name__)


def read_ids(bulk: str, code: int, handle: Any, n: int, one: Callable[..., int], *one_args: Any) -> Tuple[str, ...]:
    """The ``n`` ids of list ``code`` of ``handle``: one call to the ``bulk`` reader (every
    id followed by a NUL, e.g. ``cpindex_panel_ids``) when the library has it, else ``n``
    calls ``one(*one_args, k, buf, len, &out_len)``. An id holding a NUL itself splits into
    too many pieces: then the per-id reader gives the exact texts."""
    if n > 0 and LIB.has(bulk):
        fn = LIB.require(bulk)
        size = c_size_t(0)
        cap = 16 * n
        for _ in range(3):
            buf = ctypes.create_string_buffer(cap)
            if fn(handle, code, buf, cap, byref(size)) == _errors.OK:
                parts = buf.raw[: size.value].decode("utf-8").split("\0")
                parts.pop()  # after the last NUL
                if len(parts) == n:
                    return tuple(parts)
                break
            cap = size.value
    return tuple(read_text(one, *one_args, k) for k in range(n))


def take_string(ptr: Optional[int], length: int, free: Callable[[Any], None]) -> str:
    """Decodes a library-allocated string returned through a ``c_void_p`` and frees it
    (for functions whose ``restype`` is ``c_void_p``; ``c_char_p`` would lose the pointer)."""
    if not ptr:
        return ""
    try:
        return ctypes.string_at(ptr, length).decode("utf-8")
    finally:
        free(ptr)


__all__ = [
    "ABI_VERSION",
    "LIB",
    "CStr",
    "CInterval",
    "FRAMEWORK_P",
    "PANEL_P",
    "DIST_P",
    "INDEX_P",
    "SENS_P",
    "MONITOR_P",
    "CMaxMin",
    "DOUBLE_P",
    "declared_functions",
    "last_error_message",
    "read_text",
    "read_ids",
    "status_str",
    "take_string",
]

//! Plan monitoring (see issue: monitoring).

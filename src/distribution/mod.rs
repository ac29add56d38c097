//! Income-distribution measures (see issue: distribution).

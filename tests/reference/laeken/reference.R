# Reference values for tests/distribution_laeken.rs, computed by R and laeken themselves.
#
# Usage (from the repository root):
#   Rscript tests/reference/laeken/reference.R > tests/reference/laeken/laeken-0.5.2.csv
# Needs R (>= 4.2) and laeken 0.5.2 (Debian: apt install r-base-core r-cran-laeken).
#
# Data: the project's household sample (examples/data/households.csv: disposable income,
# survey weight, county) and tests/reference/laeken/stress.csv (ties, zeros, negative
# incomes, decimal weights). For each data set, for all records and for each county/region,
# weighted and unweighted:
#   gini   laeken::gini (per cent)          qsr   laeken::qsr (Eurostat S80/S20)
#   arpt   laeken::arpt (60 % of median)     arpr  laeken::arpr (per cent)
#   mean   laeken::weightedMean              median laeken::weightedMedian
#   wq     laeken::weightedQuantile at p
#   arpr_national  laeken::arpr(..., breakdown) — a region's rate below the national threshold
# and, unweighted, base R quantile(x, p, type = 1, 2, 7) (Hyndman & Fan 1996).
# Every number is printed with 17 significant digits (round-trips an IEEE double).
suppressPackageStartupMessages(library(laeken))

args <- commandArgs(trailingOnly = TRUE)
root <- if (length(args) >= 1) args[1] else "."
fmt <- function(v) sprintf("%.17g", v)
emit <- function(dataset, subset, weighted, measure, p, value) {
  cat(dataset, subset, weighted, measure, p, fmt(value), sep = ",")
  cat("\n")
}

cat("# R ", paste(R.version$major, R.version$minor, sep = "."),
    ", laeken ", as.character(packageVersion("laeken")), "\n", sep = "")
cat("dataset,subset,weighted,measure,p,value\n")

probs <- c(0.1, 0.2, 0.25, 0.5, 0.75, 0.8, 0.9)
types_p <- c(0.05, 0.1, 0.25, 1 / 3, 0.5, 0.75, 0.9, 0.95)

one <- function(dataset, subset, x, w) {
  wk <- if (is.null(w)) "u" else "w"
  emit(dataset, subset, wk, "gini", "", gini(x, weights = w)$value)
  emit(dataset, subset, wk, "qsr", "", qsr(x, weights = w)$value)
  emit(dataset, subset, wk, "arpt", "", arpt(x, weights = w))
  emit(dataset, subset, wk, "arpr", "", arpr(x, weights = w)$value)
  emit(dataset, subset, wk, "mean", "", weightedMean(x, w))
  emit(dataset, subset, wk, "median", "", weightedMedian(x, w))
  q <- weightedQuantile(x, w, probs = probs)
  for (i in seq_along(probs)) emit(dataset, subset, wk, "wq", fmt(probs[i]), q[i])
  if (is.null(w)) {
    for (type in c(1, 2, 7)) {
      q <- quantile(x, probs = types_p, type = type, names = FALSE)
      for (i in seq_along(types_p)) {
        emit(dataset, subset, wk, paste0("type", type), fmt(types_p[i]), q[i])
      }
    }
  }
}

all_of <- function(dataset, x, w, group) {
  for (weighted in c(TRUE, FALSE)) {
    ww <- if (weighted) w else NULL
    one(dataset, "all", x, ww)
    for (g in sort(unique(group))) {
      i <- group == g
      one(dataset, g, x[i], if (weighted) w[i] else NULL)
    }
    a <- arpr(x, weights = ww, breakdown = group)
    s <- a$valueByStratum
    for (k in seq_len(nrow(s))) {
      emit(dataset, as.character(s$stratum[k]), if (weighted) "w" else "u",
           "arpr_national", "", s$value[k])
    }
  }
}

hh <- read.csv(file.path(root, "examples/data/households.csv"), stringsAsFactors = FALSE)
all_of("households", hh$disposable_income_yuan, hh$weight, hh$county)
st <- read.csv(file.path(root, "tests/reference/laeken/stress.csv"), stringsAsFactors = FALSE)
all_of("stress", st$income, st$weight, st$region)

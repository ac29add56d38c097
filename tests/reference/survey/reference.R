# Reference figures of R's survey package (Lumley) for the satisfaction index of cpindex,
# on the shipped design sample examples/data/survey.csv. Written independently of cpindex:
# the item rescaling, domain scores and designs are set up here from the definitions in
# docs/monitoring.md. Prints CSV to stdout.
#
# Usage (from the repository root):
#   Rscript tests/reference/survey/reference.R [ROOT] > tests/reference/survey/survey-<version>.csv
#
# Variants (column `variant`):
#   subset_normal  each unit x year x domain its own sample (respondents with a score),
#                  normal interval; the overall index by svycontrast on the whole design
#   domain_t       respondents with a score as a domain of the unit x year design
#                  (svymean(na.rm = TRUE)), t interval with df = degf()
#   lonely_<rule>  as subset_normal on a design with the urban stratum collapsed into one
#                  PSU, options(survey.lonely.psu = <rule>)
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
root <- if (length(args) >= 1) args[1] else "."
d <- read.csv(file.path(root, "examples/data/survey.csv"), stringsAsFactors = FALSE)
items <- paste0("q", 1:12)
reverse <- c("q4", "q10")           # survey_items.json: negatively worded
dom <- list(gain = c("q1", "q2", "q3"), happiness = c("q4", "q5", "q6"),
            security = c("q7", "q8", "q9"), identity = c("q10", "q11", "q12"))
for (q in items) {
  x <- d[[q]]
  x[x == 9] <- NA                   # 9 = don't know
  d[[q]] <- if (q %in% reverse) 100 * (5 - x) / 4 else 100 * (x - 1) / 4
}
for (k in names(dom)) {
  s <- rowMeans(d[, dom[[k]]], na.rm = TRUE)
  s[is.nan(s)] <- NA
  d[[k]] <- s
  d[[paste0("y0_", k)]] <- ifelse(is.na(s), 0, s)
  d[[paste0("r_", k)]] <- as.numeric(!is.na(s))
}
d$any <- Reduce(`|`, lapply(names(dom), function(k) !is.na(d[[k]])))
z <- qnorm(0.975)
f <- function(x) sprintf("%.17g", x)
cat("# R ", as.character(getRversion()), " survey ", as.character(packageVersion("survey")), "\n", sep = "")
cat("variant,unit,year,variable,subpop,mean,se,deff,df,ci_lower,ci_upper,n\n")
out <- function(variant, u, y, var, sub, m, se, deff, df, lo, hi, n) {
  cat(variant, u, y, var, sub, f(m), f(se), if (is.na(deff)) "" else f(deff), f(df), f(lo), f(hi), n, sep = ",")
  cat("\n")
}
design <- function(data) svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
                                   fpc = ~fpc, nest = TRUE, data = data)
subs <- list(list(name = "", keep = function(x) rep(TRUE, nrow(x))))
for (a in c("rural", "urban")) local({
  a <- a
  subs[[length(subs) + 1]] <<- list(name = paste0("area=", a), keep = function(x) x$area == a)
})
for (g in c("18-34", "35-59", "60+")) local({
  g <- g
  subs[[length(subs) + 1]] <<- list(name = paste0("age_group=", g), keep = function(x) x$age_group == g)
})
combination <- function(variant, u, y, dd, sub, tdist) {
  # overall = mean of the four domain indices (equal weights), delta method on totals
  ds <- subset(dd, sub$keep(dd$variables) & any)
  tot <- svytotal(~y0_gain + r_gain + y0_happiness + r_happiness + y0_security +
                    r_security + y0_identity + r_identity, ds)
  cc <- svycontrast(tot, quote((y0_gain / r_gain + y0_happiness / r_happiness +
                                  y0_security / r_security + y0_identity / r_identity) / 4))
  m <- coef(cc)[[1]]; se <- SE(cc)[[1]]; df <- degf(ds)
  q <- if (tdist) qt(0.975, df) else z
  out(variant, u, y, "overall", sub$name, m, se, NA, df, m - q * se, m + q * se, sum(weights(ds) > 0))
}
run <- function(variant, data, mode, tdist) {
  for (u in sort(unique(data$unit))) for (y in sort(unique(data$year))) {
    ut <- data[data$unit == u & data$year == y, ]
    dd <- design(ut)
    for (sub in subs) {
      combination(variant, u, y, dd, sub, tdist)
      for (k in names(dom)) {
        if (mode == "subset") {
          dk <- design(ut[!is.na(ut[[k]]), ])
          ds <- subset(dk, sub$keep(dk$variables))
          m <- svymean(as.formula(paste0("~", k)), ds, deff = "replace")
        } else {
          ds <- subset(dd, sub$keep(dd$variables) & !is.na(dd$variables[[k]]))
          m <- svymean(as.formula(paste0("~", k)), ds, na.rm = TRUE, deff = "replace")
        }
        df <- degf(ds)
        ci <- confint(m, df = if (tdist) df else Inf, level = 0.95)
        out(variant, u, y, k, sub$name, coef(m)[[1]], SE(m)[[1]], deff(m)[[1]], df,
            ci[1, 1], ci[1, 2], sum(weights(ds) > 0))
      }
    }
  }
}
run("subset_normal", d, "subset", FALSE)
run("domain_t", d, "domain", TRUE)
# lonely PSUs: the urban stratum of every county-year collapsed into a single PSU
lonely <- d
lonely$psu[lonely$stratum == "urban"] <- "u1"
for (rule in c("certainty", "remove", "adjust", "average")) {
  options(survey.lonely.psu = rule)
  run(paste0("lonely_", rule), lonely, "subset", FALSE)
}

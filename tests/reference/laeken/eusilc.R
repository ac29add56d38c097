# Exports laeken's synthetic EU-SILC data set and laeken's own figures on it, for
# tests/distribution_laeken.rs (which runs this script when R and laeken are installed;
# the data set is not copied into this repository).
#
# Usage: Rscript tests/reference/laeken/eusilc.R OUTDIR
# Writes OUTDIR/eusilc.csv (eqIncome, rb050 = personal weight, db040 = region) and
# OUTDIR/values.csv (name,value; 17 significant digits).
suppressPackageStartupMessages(library(laeken))
out <- commandArgs(trailingOnly = TRUE)[1]
data(eusilc)
d <- data.frame(eqIncome = sprintf("%.17g", eusilc$eqIncome),
                rb050 = sprintf("%.17g", eusilc$rb050),
                db040 = as.character(eusilc$db040))
write.csv(d, file.path(out, "eusilc.csv"), row.names = FALSE, quote = FALSE)
x <- eusilc$eqIncome
w <- eusilc$rb050
v <- c(gini = gini(x, w)$value, qsr = qsr(x, w)$value, arpt = arpt(x, w),
       arpr = arpr(x, w)$value, median = weightedMedian(x, w), mean = weightedMean(x, w))
g <- gini(x, w, breakdown = as.character(eusilc$db040))$valueByStratum
v <- c(v, setNames(g$value, paste0("gini:", g$stratum)))
writeLines(c("name,value", paste(names(v), sprintf("%.17g", v), sep = ",")),
           file.path(out, "values.csv"))

//! Outlier treatment and moments against an independent pure-Python implementation.
//!
//! Reference script (Python 3.11.7, no libraries), written separately from the Rust code:
//!
//! ```python
//! def sk(x):
//!     x=[v for v in x if v==v]; n=len(x); m=sum(x)/n
//!     m2=sum((v-m)**2 for v in x); m3=sum((v-m)**3 for v in x); m4=sum((v-m)**4 for v in x)
//!     g=math.sqrt(n)*m3/m2**1.5*math.sqrt(n*(n-1))/(n-2)          # Excel SKEW / e1071 type 2
//!     r=n*m4/m2**2
//!     k=((n+1)*(r-3)+6)*(n-1)/((n-2)*(n-3))                        # Excel KURT / e1071 type 2
//!     return g,k
//! def win(x,wm=5):   # COINr winsorise: ties together, ≤ wm distinct points
//!     y=list(x); changed=set(); g,k=sk(y)
//!     while abs(g)>=2 and k>=3.5 and len(changed)<wm:
//!         if g>=0: mx=max(y); nxt=max(v for v in y if v!=mx)
//!         else:    mx=min(y); nxt=min(v for v in y if v!=mx)
//!         for i,v in enumerate(y):
//!             if v==mx: y[i]=nxt; changed.add(i)
//!         g,k=sk(y)
//!     return y,changed,g,k
//! ```

use cpindex::method::treat::{
    kurtosis, moments, skewness, treat_column, LogFallback, PointChange, TreatKind, TreatmentSpec,
};

fn run(
    x: &[f64],
    spec: &TreatmentSpec,
) -> (
    Vec<f64>,
    Vec<PointChange>,
    cpindex::method::treat::ColumnTreatment,
) {
    let mut out = vec![f64::NAN; x.len()];
    let mut flags = vec![false; x.len()];
    let mut ch = Vec::new();
    let t = treat_column(x, spec, &mut out, &mut flags, &mut ch);
    (out, ch, t)
}

fn x12() -> Vec<f64> {
    // COINr vignette "treat": numbers 1..10 plus two outliers 30 and 100
    let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
    x.extend([30.0, 100.0]);
    x
}

#[test]
fn skew_and_kurtosis_type2() {
    // Python sk(x12): (3.0632410342394985, 9.741390834569144)
    let x = x12();
    assert!((skewness(&x) - 3.063_241_034_239_498_5).abs() < 1e-12);
    assert!((kurtosis(&x) - 9.741_390_834_569_144).abs() < 1e-11);
    // NaN are skipped
    let mut y = x.clone();
    y.insert(3, f64::NAN);
    assert!((skewness(&y) - 3.063_241_034_239_498_5).abs() < 1e-12);
    let m = moments(&y);
    assert_eq!(m.n, 12);
    assert_eq!((m.min, m.max), (1.0, 100.0));
    // sample sd (n − 1) computed directly
    let xs = x12();
    let mu = xs.iter().sum::<f64>() / 12.0;
    let sd = (xs.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / 11.0).sqrt();
    assert!((m.sd - sd).abs() < 1e-12);
}

#[test]
fn winsorises_one_point_high() {
    // Python win(x12): 100 → 30 (index 11); after: skew 1.7120380600890506, kurt 1.8157805377242044
    let (out, ch, t) = run(&x12(), &TreatmentSpec::default());
    assert!(t.treated && !t.log_applied && !t.still_fails);
    assert_eq!(t.n_winsorised, 1);
    assert_eq!(out[11], 30.0);
    assert_eq!(&out[..11], &x12()[..11]);
    assert!((t.skew_after - 1.712_038_060_089_050_6).abs() < 1e-12);
    assert!((t.kurt_after - 1.815_780_537_724_204_4).abs() < 1e-11);
    assert_eq!(ch.len(), 1);
    assert_eq!((ch[0].unit, ch[0].kind), (11, TreatKind::WinsorisedHigh));
    assert_eq!((ch[0].before, ch[0].after), (100.0, 30.0));
}

#[test]
fn winsorises_low_for_negative_skew() {
    // mirror image: skew −3.0632…, the minimum −100 → −30
    let x: Vec<f64> = x12().iter().map(|v| -v).collect();
    let (out, ch, t) = run(&x, &TreatmentSpec::default());
    assert_eq!(out[11], -30.0);
    assert_eq!(ch[0].kind, TreatKind::WinsorisedLow);
    assert!((t.skew_after + 1.712_038_060_089_050_6).abs() < 1e-12);
}

#[test]
fn ties_are_winsorised_together() {
    // 1..18, 100, 100: Python sk = (2.717300025752613, 6.404110435987638);
    // win → both 100s become 18 in one step, changed = {18, 19}, skew −0.11162785439266955
    let mut x: Vec<f64> = (1..=18).map(f64::from).collect();
    x.extend([100.0, 100.0]);
    let (out, ch, t) = run(&x, &TreatmentSpec::default());
    assert!((t.skew_before - 2.717_300_025_752_613).abs() < 1e-12);
    assert_eq!(t.n_winsorised, 2);
    assert_eq!((out[18], out[19]), (18.0, 18.0));
    assert_eq!(ch.len(), 2);
    assert!((t.skew_after + 0.111_627_854_392_669_55).abs() < 1e-12);
    assert!((t.kurt_after + 1.306_356_676_272_298_2).abs() < 1e-11);
}

#[test]
fn log_ct_of_the_original_values_when_winsorising_is_not_enough() {
    // fifty 1s and 2^1 … 2^11: after 5 winsorised points Python gives skew 2.5647658844985153,
    // kurt 4.947567266381599 (still failing) → log_CT of the ORIGINAL x:
    //   ln(x − 1 + 0.01·2047); first = ln(20.47) = 3.018960399673198,
    //   last = ln(2046 + 20.47) = 7.634080916514457; then skew 3.2966294560192044,
    //   kurt 10.478016140130142 (still failing → flagged).
    let mut x = vec![1.0; 50];
    x.extend((1..12).map(|i| f64::from(1u32 << i)));
    let (out, ch, t) = run(&x, &TreatmentSpec::default());
    assert!(t.log_applied && t.treated && t.still_fails);
    assert!((out[0] - 3.018_960_399_673_198).abs() < 1e-12);
    assert!((out[60] - 7.634_080_916_514_457).abs() < 1e-12);
    assert!((t.skew_after - 3.296_629_456_019_204_4).abs() < 1e-10);
    assert!((t.kurt_after - 10.478_016_140_130_142).abs() < 1e-9);
    // the column is reported once: every x became ln(x + offset), offset = 0.01·2047 − 1
    assert!(ch.is_empty());
    assert_eq!(t.log_sign, 1.0);
    assert!((t.log_offset - (20.47 - 1.0)).abs() < 1e-12);
    for (o, v) in out.iter().zip(&x) {
        assert!((o - (v + t.log_offset).ln()).abs() < 1e-12);
    }

    // with the fallback disabled the 5-point Winsorisation stays and is flagged
    let spec = TreatmentSpec {
        log_fallback: LogFallback::None,
        ..TreatmentSpec::default()
    };
    let (_, ch, t) = run(&x, &spec);
    assert!(!t.log_applied && t.still_fails);
    assert_eq!(t.n_winsorised, 5);
    assert_eq!(ch.len(), 5);
    assert!((t.skew_after - 2.564_765_884_498_515_3).abs() < 1e-10);
}

#[test]
fn degenerate_columns_do_not_crash() {
    let spec = TreatmentSpec::default();
    // constant (COINr issue #45 crashed here)
    let (_, ch, t) = run(&[5.0; 10], &spec);
    assert!(!t.treated && t.skew_before.is_nan() && ch.is_empty());
    // n = 1, n = 3 (kurtosis needs 4), all missing
    for x in [vec![1.0], vec![1.0, 2.0, 100.0], vec![f64::NAN; 4]] {
        let (_, ch, t) = run(&x, &spec);
        assert!(!t.treated && ch.is_empty());
        assert!(t.kurt_before.is_nan());
    }
    // disabled
    let off = TreatmentSpec {
        enabled: false,
        ..TreatmentSpec::default()
    };
    let (_, _, t) = run(&x12(), &off);
    assert!(!t.treated);
}

//! The `cpindex` command line.

fn main() {
    let fw = cpindex::model::builtin::quzhou();
    for i in &fw.indicators {
        println!("{}\t{}\t{:?}\t{}", i.id, i.name_zh, i.target, i.unit.label);
    }
}

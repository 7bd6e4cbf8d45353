use par_for::par_for;
#[par_for]
fn main() {
    let grid = vec![vec![1u64; 5]; 5];
    #[par_for]
    'rows: for row in &grid {
        #[par_for]
        for x in row {
            if *x == 0 { continue 'rows; }
        }
    }
}

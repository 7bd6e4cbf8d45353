use par_for::par_for;

#[par_for]
fn main() {
    'rows: for row in 0..10 {
        #[par_for]
        for col in 0..10 {
            if row * col > 20 {
                break 'rows;
            }
        }
    }
}

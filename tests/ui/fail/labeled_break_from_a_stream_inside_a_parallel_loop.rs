use par_for::par_for;

#[par_for]
fn main() {
    'rows: for row in 0..10u64 {
        #[par_for]
        for col in 0..10u64 {
            // The stream's body may jump around the stream, but not out of the
            // parallel loop around it.
            #[par_for(stream)]
            for sq in (0..col).map(|x| x * x) {
                if row * sq > 20 {
                    break 'rows;
                }
            }
        }
    }
}

use par_for::par_for;

#[par_for]
fn main() {
    'rows: for row in 0..10u64 {
        // The task runs on the pool: it cannot leave the loop around the stream.
        #[par_for(stream)]
        for sq in (0..10u64).map(|col| {
            if row * col > 20 {
                break 'rows;
            }
            col * col
        }) {
            println!("{sq}");
        }
    }
}

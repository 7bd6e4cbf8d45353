use par_for::par_for;

#[par_for]
fn main() {
    let (w, h) = (4, 3);
    let mut grid = vec![vec![0u8; w]; h];
    #[par_for]
    for y in 0..h {
        for x in 0..w {
            grid[y][x] = (x + y) as u8;
        }
    }
    println!("{grid:?}");
}

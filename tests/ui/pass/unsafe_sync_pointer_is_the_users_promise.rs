use par_for::par_for;

/// The user promises that iterations write disjoint elements.
struct Disjoint(*mut u32);
unsafe impl Sync for Disjoint {}
unsafe impl Send for Disjoint {}

impl Disjoint {
    unsafe fn write(&self, i: usize, value: u32) {
        unsafe { *self.0.add(i) = value };
    }
}

#[par_for]
fn main() {
    let mut data = [0u32; 8];
    let out = Disjoint(data.as_mut_ptr());
    #[par_for]
    for i in 0..8 {
        unsafe { out.write(i, i as u32 * 2) };
    }
    assert_eq!(data, [0, 2, 4, 6, 8, 10, 12, 14]);
}

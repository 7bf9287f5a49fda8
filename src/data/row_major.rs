//! Feature columns → the data set's row-major matrix (`x[r·d + j]`), either
//! copied from borrowed columns or moved out of owned ones, freeing each
//! column's memory as its rows are copied, so a large table never needs its
//! columns and the matrix in memory at once.

/// Rows copied per step when the columns are consumed.
const BLOCK_ROWS: usize = 1 << 16;

/// The `n` rows of `cols` (each `n` long) interleaved row-major.
pub fn interleave(cols: &[&[f64]], n: usize) -> Vec<f64> {
    let d = cols.len();
    let mut x = vec![0.0; n * d];
    for (j, col) in cols.iter().enumerate() {
        for (r, &v) in col[..n].iter().enumerate() {
            x[r * d + j] = v;
        }
    }
    x
}

/// [`interleave`] taking the columns: rows are copied from the last block
/// back to the first, and after each block every column is shortened and
/// shrunk, so its memory goes back to the allocator (and, for large
/// columns, to the system) while the matrix fills.
pub fn interleave_consuming(mut cols: Vec<Vec<f64>>, n: usize) -> Vec<f64> {
    let d = cols.len();
    // Zeroed pages are only mapped when written: the matrix's memory grows
    // block by block as the columns' memory shrinks.
    let mut x = vec![0.0; n * d];
    let mut end = n;
    while end > 0 {
        let start = end.saturating_sub(BLOCK_ROWS);
        let block = &mut x[start * d..end * d];
        for (j, col) in cols.iter_mut().enumerate() {
            for (k, &v) in col[start..end].iter().enumerate() {
                block[k * d + j] = v;
            }
            col.truncate(start);
            col.shrink_to_fit();
        }
        end = start;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_give_the_same_matrix() {
        let n = BLOCK_ROWS * 2 + 5;
        let cols: Vec<Vec<f64>> = (0..3)
            .map(|j| (0..n).map(|r| (r * 3 + j) as f64).collect())
            .collect();
        let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let x = interleave(&refs, n);
        assert!(x.iter().enumerate().all(|(i, &v)| v == i as f64));
        assert_eq!(interleave_consuming(cols, n), x);
        assert!(interleave_consuming(vec![Vec::new(); 2], 0).is_empty());
    }
}

//! Reducing a logo's colours to a small palette, so a PNG with a logo can
//! stay an 8-bit palette image (a third of RGB's bytes to filter and
//! compress) instead of truecolour. Exact when the logo has few colours
//! (flat marks, the common case); otherwise median cut, which keeps the
//! colours a small logo is made of.

use std::collections::HashMap;

/// A palette of at most `max` colours and, per input pixel, its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantized {
    pub palette: Vec<[u8; 3]>,
    pub indices: Vec<u8>,
}

/// Maps `pixels` onto at most `max` (≤ 256) colours.
pub fn quantize(pixels: &[[u8; 3]], max: usize) -> Quantized {
    let max = max.clamp(1, 256);
    let mut exact: HashMap<[u8; 3], u8> = HashMap::new();
    for p in pixels {
        let next = exact.len();
        if next > max {
            break;
        }
        exact.entry(*p).or_insert(next as u8);
    }
    if exact.len() <= max {
        let mut palette = vec![[0; 3]; exact.len()];
        for (colour, &i) in &exact {
            if let Some(slot) = palette.get_mut(usize::from(i)) {
                *slot = *colour;
            }
        }
        let indices = pixels
            .iter()
            .map(|p| exact.get(p).copied().unwrap_or(0))
            .collect();
        return Quantized { palette, indices };
    }
    median_cut(pixels, max)
}

/// Splits the pixels (by position) into boxes, always the box with the
/// widest channel range, at the median of that channel; each box becomes
/// one palette entry, the mean of its pixels.
fn median_cut(pixels: &[[u8; 3]], max: usize) -> Quantized {
    let mut boxes: Vec<Vec<usize>> = vec![(0..pixels.len()).collect()];
    let colour = |i: usize| pixels.get(i).copied().unwrap_or([0; 3]);
    let widest = |members: &[usize]| -> (usize, u8) {
        let mut lo = [u8::MAX; 3];
        let mut hi = [0u8; 3];
        for &i in members {
            for ((l, h), v) in lo.iter_mut().zip(hi.iter_mut()).zip(colour(i)) {
                *l = (*l).min(v);
                *h = (*h).max(v);
            }
        }
        lo.iter()
            .zip(hi)
            .map(|(l, h)| h.saturating_sub(*l))
            .enumerate()
            .max_by_key(|&(_, range)| range)
            .unwrap_or((0, 0))
    };
    while boxes.len() < max {
        let Some((index, channel)) = boxes
            .iter()
            .enumerate()
            .filter(|(_, b)| b.len() > 1)
            .map(|(i, b)| (i, widest(b)))
            .filter(|(_, (_, range))| *range > 0)
            .max_by_key(|(_, (_, range))| *range)
            .map(|(i, (channel, _))| (i, channel))
        else {
            break;
        };
        let mut members = boxes.swap_remove(index);
        members.sort_unstable_by_key(|&i| colour(i).get(channel).copied());
        let upper = members.split_off(members.len() / 2);
        boxes.push(members);
        boxes.push(upper);
    }
    let mut palette = Vec::with_capacity(boxes.len());
    let mut indices = vec![0u8; pixels.len()];
    for (entry, members) in boxes.iter().enumerate() {
        let mut sum = [0u64; 3];
        for &i in members {
            for (s, v) in sum.iter_mut().zip(colour(i)) {
                *s += u64::from(v);
            }
            if let Some(slot) = indices.get_mut(i) {
                *slot = entry as u8;
            }
        }
        let n = members.len().max(1) as u64;
        palette.push(sum.map(|s| (s / n) as u8));
    }
    Quantized { palette, indices }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn few_colours_are_kept_exactly() {
        let pixels = [[255, 0, 0], [0, 0, 255], [255, 0, 0], [1, 2, 3]];
        let q = quantize(&pixels, 240);
        assert_eq!(q.palette.len(), 3);
        let back: Vec<[u8; 3]> = q
            .indices
            .iter()
            .map(|&i| q.palette[usize::from(i)])
            .collect();
        assert_eq!(back, pixels);
    }

    #[test]
    fn many_colours_become_at_most_max_close_ones() {
        let pixels: Vec<[u8; 3]> = (0..4096u32)
            .map(|i| [(i % 256) as u8, ((i / 16) % 256) as u8, (i * 7 % 256) as u8])
            .collect();
        let q = quantize(&pixels, 240);
        assert!(q.palette.len() <= 240 && q.palette.len() > 200);
        let worst = pixels
            .iter()
            .zip(&q.indices)
            .map(|(p, &i)| {
                let c = q.palette[usize::from(i)];
                (0..3).map(|k| p[k].abs_diff(c[k])).max().unwrap_or(0)
            })
            .max()
            .unwrap_or(0);
        assert!(worst <= 64, "worst channel error {worst}");
    }

    #[test]
    fn empty_input_gives_an_empty_palette() {
        assert_eq!(
            quantize(&[], 240),
            Quantized {
                palette: vec![],
                indices: vec![]
            }
        );
    }
}

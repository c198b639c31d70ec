//! The mask penalty of `qrcode` 0.14.1 (`Canvas::compute_total_penalty_scores`),
//! computed a word at a time on bit-packed rows and columns.
//!
//! It must agree with the crate point for point, not merely with ISO 18004:
//! the crate's rule 3 is its own variant and its rule 4 is not rounded to 5 %
//! steps, and any difference could pick another mask than
//! `QrCode::with_error_correction_level` does. Each rule below says what
//! the crate does and how the bit version reproduces it.

use super::line::Line;

/// Rule 3 always finds the three finder patterns themselves: rows (or
/// columns) 2–4 of each match `#.###.#` with light or the edge on one side.
/// The crate subtracts these 9 × 40 points per direction.
const OWN_FINDERS: u32 = 9 * 40;

/// The crate's total for one masked symbol. It adds `u16`s, so a total past
/// 65,535 wraps in its release builds (and panics in debug ones); the
/// truncation keeps the same value to compare masks by. Real symbols score
/// far below that.
pub(super) fn total<const N: usize>(rows: &[Line<N>], cols: &[Line<N>], width: usize) -> u16 {
    let sum = runs(rows, width)
        + runs(cols, width)
        + blocks(rows, width)
        + finder_like(rows)
        + finder_like(cols)
        + balance(rows, width);
    (sum.wrapping_sub(2 * OWN_FINDERS) & 0xFFFF) as u16
}

/// Rule 1: every run of 5 + k same-coloured modules along a line costs
/// 3 + k. The crate walks the line counting run lengths; here `full` marks
/// each module that starts 5 same-coloured ones. A run of length L has
/// L − 4 such starts and one of them opens the run, so
/// `count(full) + 2 × count(openers)` sums L − 2 over all runs.
pub(super) fn runs<const N: usize>(lines: &[Line<N>], width: usize) -> u32 {
    // Module i equals module i + 1 only for pairs inside the line.
    let pairs = Line::first(width.saturating_sub(1));
    lines
        .iter()
        .map(|&l| {
            let same = !(l ^ l.ahead(1)) & pairs;
            let full = same & same.ahead(1) & same.ahead(2) & same.ahead(3);
            let openers = full & !full.behind(1);
            full.count() + 2 * openers.count()
        })
        .sum()
}

/// Rule 2: every 2 × 2 square of one colour costs 3, overlaps included.
pub(super) fn blocks<const N: usize>(rows: &[Line<N>], width: usize) -> u32 {
    let corners = Line::first(width.saturating_sub(1));
    rows.iter()
        .zip(rows.iter().skip(1))
        .map(|(&top, &bottom)| {
            let vertical = !(top ^ bottom);
            let horizontal = !(top ^ top.ahead(1));
            3 * (vertical & vertical.ahead(1) & horizontal & corners).count()
        })
        .sum()
}

/// Rule 3, the crate's variant: every `#.###.#` along a line costs 40
/// unless *both* the four modules before it and the four after it hold a
/// dark one (ISO asks for four light modules on one side; the crate asks
/// that one side have no dark module, counting outside the symbol as
/// light). Includes the finder patterns' own 9 matches per direction; see
/// [`total`].
pub(super) fn finder_like<const N: usize>(lines: &[Line<N>]) -> u32 {
    lines
        .iter()
        .map(|&l| {
            // `!l` is dark past the line's end, but the pattern's last module
            // must be dark, so a match never reaches past the end.
            let pattern =
                l & !l.ahead(1) & l.ahead(2) & l.ahead(3) & l.ahead(4) & !l.ahead(5) & l.ahead(6);
            // Shift the 4-module windows by 1 and 7, not by 4 and 10, so that
            // a window cut off by either edge still sees its inside part.
            let dark_after = (l | l.ahead(1) | l.ahead(2) | l.ahead(3)).ahead(7);
            let dark_before = (l | l.behind(1) | l.behind(2) | l.behind(3)).behind(1);
            40 * (pattern & !(dark_before & dark_after)).count()
        })
        .sum()
}

/// Rule 4: the distance of the dark share from 50 %, in half-percent steps
/// truncated the crate's way (`dark × 200 / total`, not rounded to 5 %).
pub(super) fn balance<const N: usize>(rows: &[Line<N>], width: usize) -> u32 {
    let dark: usize = rows.iter().map(|l| l.count() as usize).sum();
    let total = (width * width).max(1);
    let ratio = dark * 200 / total;
    ratio.abs_diff(100) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines from `#`/`.` strings, as rows; `cols` transposes them.
    fn rows<const N: usize>(art: &[&str]) -> Vec<Line<N>> {
        art.iter()
            .map(|s| {
                let mut l = Line::EMPTY;
                s.chars()
                    .enumerate()
                    .filter(|&(_, c)| c == '#')
                    .for_each(|(i, _)| l.set(i));
                l
            })
            .collect()
    }

    fn cols<const N: usize>(art: &[&str]) -> Vec<Line<N>> {
        let width = art[0].len();
        let t: Vec<String> = (0..width)
            .map(|x| art.iter().map(|r| r.as_bytes()[x] as char).collect())
            .collect();
        rows(&t.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn run_score(line: &str) -> u32 {
        runs(&rows::<3>(&[line]), line.len())
    }

    fn finder_score(line: &str) -> u32 {
        finder_like(&rows::<3>(&[line]))
    }

    #[test]
    fn rule_1_scores_runs_of_five_or_more() {
        assert_eq!(run_score("####"), 0);
        assert_eq!(run_score("#####"), 3);
        assert_eq!(run_score("#######"), 5);
        // Light runs count too, including one that ends at the edge: the
        // zero bits past the end must not lengthen it.
        assert_eq!(run_score("#.....#"), 3);
        assert_eq!(run_score("##.....##"), 3);
        assert_eq!(run_score("#....."), 3);
        assert_eq!(run_score("#####.#####......"), 3 + 3 + 4);
        // A run across a word boundary.
        let long = "#".repeat(130);
        assert_eq!(run_score(&long), 128);
        assert_eq!(
            run_score(&format!("{}.{}", "#".repeat(63), ".".repeat(66))),
            61 + 65
        );
    }

    #[test]
    fn rule_2_counts_overlapping_2x2_squares() {
        assert_eq!(blocks(&rows::<1>(&["...", "...", "..."]), 3), 12);
        assert_eq!(blocks(&rows::<1>(&["##.", "##.", "..."]), 3), 3);
        assert_eq!(blocks(&rows::<1>(&["#.#", ".#.", "#.#"]), 3), 0);
        // The square in the last two columns, not one past the edge.
        assert_eq!(blocks(&rows::<1>(&["#..", "#.."]), 3), 3);
        assert_eq!(blocks(&rows::<1>(&["#.#", "#.#"]), 3), 0);
    }

    #[test]
    fn rule_3_is_the_crates_variant() {
        // Alone, light beyond both edges.
        assert_eq!(finder_score("#.###.#"), 40);
        assert_eq!(finder_score("....#.###.#...."), 40);
        // Dark only on one side: the other side is clean, still a match.
        assert_eq!(finder_score("#...#.###.#...."), 40);
        assert_eq!(finder_score("....#.###.#...#"), 40);
        // Dark within four modules on both sides: no penalty.
        assert_eq!(finder_score("#...#.###.#...#"), 0);
        assert_eq!(finder_score("##.###.##"), 0);
        // Dark five modules away is outside the window.
        assert_eq!(finder_score("#....#.###.#....#"), 40);
        // Two overlapping matches.
        assert_eq!(finder_score("#.###.#.###.#"), 80);
        assert_eq!(finder_score(".#.#.#"), 0);
    }

    #[test]
    fn rule_4_truncates_the_dark_share() {
        let half: Vec<Line<1>> = rows(&["##", ".."]);
        assert_eq!(balance(&half, 2), 0);
        assert_eq!(balance(&rows::<1>(&["###", "...", "..."]), 3), 34); // 600 / 9 = 66
        assert_eq!(balance(&rows::<1>(&["###", "###", "###"]), 3), 100);
        assert_eq!(balance(&rows::<1>(&["...", "...", "..."]), 3), 100);
    }

    /// The crate's own penalty test canvas (`canvas.rs`, `penalty_tests`:
    /// version 1-Q, checkerboard mask) and the scores it asserts for it.
    const CRATE_CANVAS: [&str; 21] = [
        "#######.##....#######",
        "#.....#.#..#..#.....#",
        "#.###.#.#..##.#.###.#",
        "#.###.#.#.....#.###.#",
        "#.###.#.#.#...#.###.#",
        "#.....#...#...#.....#",
        "#######.#.#.#.#######",
        "........#............",
        ".##.#.##....#.#.#####",
        ".#......####....#...#",
        "..##.###.##...#.##...",
        ".##.##.#..##.#.#.###.",
        "#...#.#.#.###.###.#.#",
        "........##.#..#...#.#",
        "#######.#.#....#.##..",
        "#.....#..#.##.##.#...",
        "#.###.#.#.#...#######",
        "#.###.#..#.#.#.#...#.",
        "#.###.#.#...####.#..#",
        "#.....#.#.##.#...#.##",
        "#######.....####....#",
    ];

    #[test]
    fn matches_the_crates_own_penalty_test() {
        let (r, c) = (rows::<1>(&CRATE_CANVAS), cols::<1>(&CRATE_CANVAS));
        assert_eq!(runs(&r, 21), 88);
        assert_eq!(runs(&c, 21), 92);
        assert_eq!(blocks(&r, 21), 90);
        assert_eq!(finder_like(&r), OWN_FINDERS);
        assert_eq!(finder_like(&c), OWN_FINDERS + 40);
        assert_eq!(balance(&r, 21), 2);
        assert_eq!(total(&r, &c, 21), 88 + 92 + 90 + 40 + 2);
        // The word count must not change anything.
        let (r3, c3) = (rows::<3>(&CRATE_CANVAS), cols::<3>(&CRATE_CANVAS));
        assert_eq!(total(&r3, &c3, 21), total(&r, &c, 21));
    }
}

#![allow(dead_code)]

pub mod control_plane;

;; softmax-kit's WebAssembly SIMD128 kernels: float32 rows, float64 where accuracy needs it.
;;
;; Assembled by scripts/build-wasm.mjs (wabt) into src/generated/kernel-wasm.ts. Every pointer is
;; a byte offset into the imported memory; JavaScript (src/run-request.ts, layout in
;; src/layout.ts) places the rows and the per-row metadata (rowMax f64, temperature f64, skip u8,
;; sums f64) and calls the exports:
;; - scan: each row's max (NaN ignored) and a flag for rows that are not regular (RowScan);
;; - softmax: the terms exp((x - m) / T) written and summed in float64, then scaled
;;   (scanSoftmax: both in one call);
;; - sumExcludingMax: s = the sum without the first max entry (JavaScript takes log1p(s));
;; - logSoftmax: (x - m) / T - log1p(s), in float64, rounded once;
;; - expSum and scaleRow, the two halves of softmax, for a row split across threads.
(module
  ;; Memory comes from JavaScript: a plain one (one thread), or the same module with this import
  ;; made `shared` (worker threads; src/thread-pool.ts sets the flag byte of these limits).
  (import "env" "memory" (memory 2 65536))
  ;; Where $expSum puts a row's last 1-3 terms: 16 bytes per instance (per thread).
  (global $scratch (export "scratch") (mut i32) (i32.const 0))
  ;; $expSplit's results beyond its two (read by src/row-passes.ts after the call).
  (global $headCount (export "headCount") (mut i32) (i32.const 0))
  (global $bandCount (export "bandCount") (mut i32) (i32.const 0))
  (global $headWeighted (export "headWeighted") (mut f64) (f64.const 0))

  ;; Constants as immutable globals: V8 rebuilds a v128.const at every use (three instructions),
  ;; a global is one load.
  ;; 1.5 * 2^52 + 2: u plus this rounds u to an integer j (ties to even) and holds j + 2 in its
  ;; low 32 bits.
  (global $magic v128 (v128.const f64x2 0x1.8000000000002p52 0x1.8000000000002p52))
  (global $lowest v128 (v128.const f64x2 -1000 -1000))
  ;; Lanes keep their term while k + 2 > -125 (k >= -126).
  (global $minK v128 (v128.const i32x4 -125 -125 -125 -125))
  (global $quarter v128 (v128.const f32x4 0.25 0.25 0.25 0.25))
  ;; c_j: a degree-6 polynomial 1 + c1 f + ... + c6 f^6 for 2^f on [-1/2, 1/2], near-minimax for
  ;; the relative error (2.0e-9 in exact arithmetic), its float32 coefficients nudged by an ulp
  ;; (c2, c3) to lower the error of the float32 Horner evaluation: 1.85e-8 in exact arithmetic
  ;; as stored; 9.1e-8 evaluated in float32 in $expSum's order (Horner's was 9.0e-8);
  ;; src/exp.test.ts checks both, the second at every float32 f.
  (global $c6 v128 (v128.const f32x4 1.5353362e-4 1.5353362e-4 1.5353362e-4 1.5353362e-4))
  (global $c5 v128 (v128.const f32x4 1.3398875e-3 1.3398875e-3 1.3398875e-3 1.3398875e-3))
  (global $c4 v128 (v128.const f32x4 9.6184369e-3 9.6184369e-3 9.6184369e-3 9.6184369e-3))
  (global $c3 v128 (v128.const f32x4 5.5503312e-2 5.5503312e-2 5.5503312e-2 5.5503312e-2))
  (global $c2 v128 (v128.const f32x4 0.24022643 0.24022643 0.24022643 0.24022643))
  (global $c1 v128 (v128.const f32x4 0.69314718 0.69314718 0.69314718 0.69314718))
  (global $one v128 (v128.const f32x4 1 1 1 1))

  ;; One row's max (NaN ignored) and whether it holds a NaN. 16 entries per iteration in four
  ;; accumulators, then 4 per iteration, then a scalar tail; every NaN, in any lane or in the
  ;; tail, sets the flag (x != x).
  (func $scanRow (param $in i32) (param $n i32) (result f32 i32)
    (local $end i32) (local $x v128) (local $nan v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $m f32) (local $s f32) (local $nanScalar i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $a0 (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $a1 (local.get $a0))
    (local.set $a2 (local.get $a0))
    (local.set $a3 (local.get $a0))
    (local.set $nan (v128.const i32x4 0 0 0 0))
    (block $done16
      (loop $next16
        (br_if $done16 (i32.gt_u (i32.add (local.get $in) (i32.const 64)) (local.get $end)))
        (local.set $x (v128.load (local.get $in)))
        (local.set $a0 (f32x4.pmax (local.get $a0) (local.get $x)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $x (v128.load offset=16 (local.get $in)))
        (local.set $a1 (f32x4.pmax (local.get $a1) (local.get $x)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $x (v128.load offset=32 (local.get $in)))
        (local.set $a2 (f32x4.pmax (local.get $a2) (local.get $x)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $x (v128.load offset=48 (local.get $in)))
        (local.set $a3 (f32x4.pmax (local.get $a3) (local.get $x)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $in (i32.add (local.get $in) (i32.const 64)))
        (br $next16)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $in) (i32.const 16)) (local.get $end)))
        (local.set $x (v128.load (local.get $in)))
        (local.set $a0 (f32x4.pmax (local.get $a0) (local.get $x)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (br $next4)))
    (local.set $a0 (f32x4.pmax (f32x4.pmax (local.get $a0) (local.get $a1))
      (f32x4.pmax (local.get $a2) (local.get $a3))))
    (local.set $m (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
      (f32.max (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
    (local.set $nanScalar (v128.any_true (local.get $nan)))
    (block $doneTail
      (loop $nextTail
        (br_if $doneTail (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $s (f32.load (local.get $in)))
        (local.set $nanScalar
          (i32.or (local.get $nanScalar) (f32.ne (local.get $s) (local.get $s))))
        (if (f32.gt (local.get $s) (local.get $m)) (then (local.set $m (local.get $s))))
        (local.set $in (i32.add (local.get $in) (i32.const 4)))
        (br $nextTail)))
    (local.get $m)
    (local.get $nanScalar))

  ;; The scan of RowScan: for each of `rows` rows, rowMax (f64) and a flag (u8): 1 when the row
  ;; has a NaN or a +Infinity, or every entry is -Infinity (or NaN). Returns the flagged count.
  (func $scan (export "scan")
    (param $in i32) (param $rows i32) (param $cols i32) (param $maxPtr i32) (param $flagPtr i32)
    (result i32)
    (local $r i32) (local $m f32) (local $flag i32) (local $count i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (call $scanRow (local.get $in) (local.get $cols))
        (local.set $flag)
        (local.set $m)
        (local.set $flag (i32.or (local.get $flag)
          (i32.or (f32.eq (local.get $m) (f32.const inf)) (f32.eq (local.get $m) (f32.const -inf)))))
        (f64.store (local.get $maxPtr) (f64.promote_f32 (local.get $m)))
        (i32.store8 (local.get $flagPtr) (local.get $flag))
        (local.set $count (i32.add (local.get $count) (local.get $flag)))
        (local.set $in (i32.add (local.get $in) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $maxPtr (i32.add (local.get $maxPtr) (i32.const 8)))
        (local.set $flagPtr (i32.add (local.get $flagPtr) (i32.const 1)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next)))
    (local.get $count))

  ;; One row of exp((x - m) / T). With $write (softmax): each term stored (float32) at $out ($out
  ;; may be $in); returns (sum of all terms, 0). Without (logs): nothing stored; returns (sum of
  ;; the terms of entries below the max, count of entries equal to the max), both float64: max
  ;; entries give exactly 1 each, so leaving them out keeps the rest exact relative to itself
  ;; (logSumExp's log1p(s)). Four entries per iteration, two float64 sums; the last 1-3 entries
  ;; are copied to the scratch quad, padded with -Infinity, and go once more through the same
  ;; loop body there, from where their terms are copied to the row.
  ;;
  ;; exp((x - m) / T) = 2^u, u = (x - m) * scale, scale = log2(e) / T:
  ;; - u in float64 (x and m are exact float32 values; two roundings of 2^-53), clamped at -1000;
  ;;   each half of the quad is read as two floats and widened (no lane shuffle);
  ;; - k = round(u) (nearest, ties to even), f = u - k in [-1/2, 1/2] exactly, then rounded to
  ;;   float32 (|error| <= 2^-26, so 2^f moves by at most ln2 * 2^-26 < 1.04e-8); k + 2 is read
  ;;   from the low bits of u + (1.5 * 2^52 + 2), which rounds u to the same integer (an even
  ;;   constant: ties to even alike);
  ;; - 2^f by the degree-6 polynomial above in float32: 1 + f (c1 + f r), r = (c2 + c3 f) +
  ;;   f^2 ((c4 + c5 f) + f^2 c6), the inner part in Estrin's order (shorter dependency chains
  ;;   than Horner's, same count of operations). src/exp.test.ts measures its float32 error at
  ;;   every float32 f (the bound used everywhere is 1.0e-7);
  ;; - 2^(k+2) is added to the exponent field ((k+2) << 23) and the result multiplied by 1/4,
  ;;   so values down to 2^-126.5 (subnormals included) are correctly rounded; lanes with
  ;;   k < -126 (values below 2^-126.5 = 8.3e-39, under float32's smallest normal) are exactly
  ;;   0, as -Infinity entries (u clamped to -1000) are.
  ;; src/exp.test.ts sweeps this loop through the `expSum` export: every float32 f in [-1/2, 1/2]
  ;; with |f| >= 2^-12, a dense grid below, and random u over the whole domain.
  (func $expSum (export "expSum") (param $in i32) (param $out i32) (param $n i32) (param $m f64) (param $scale f64)
    (param $write i32) (result f64 f64)
    (local $end i32) (local $rest i32) (local $restOut i32) (local $i i32)
    (local $mv v128) (local $sv v128) (local $m32 v128)
    (local $u0 v128) (local $u1 v128) (local $f v128) (local $f2 v128) (local $p v128)
    (local $k v128) (local $e v128) (local $eq v128)
    (local $sum0 v128) (local $sum1 v128) (local $count v128)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $mv (f64x2.splat (local.get $m)))
    (local.set $sv (f64x2.splat (local.get $scale)))
    (local.set $m32 (f32x4.splat (f32.demote_f64 (local.get $m))))
    (block $done
      (loop $next
        (if (i32.gt_u (i32.add (local.get $in) (i32.const 16)) (local.get $end))
          (then
            (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
            ;; 1-3 entries left: copied to the scratch quad, the other lanes -Infinity (terms
            ;; exactly 0, never equal to the finite max); this last iteration reads and writes
            ;; there (every read of the quad comes before its write).
            (local.set $rest (i32.shr_u (i32.sub (local.get $end) (local.get $in)) (i32.const 2)))
            (v128.store (global.get $scratch) (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $i (i32.const 0))
            (loop $copyIn
              (f32.store (i32.add (global.get $scratch) (i32.shl (local.get $i) (i32.const 2)))
                (f32.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $copyIn (i32.lt_u (local.get $i) (local.get $rest))))
            (local.set $in (global.get $scratch))
            (local.set $restOut (local.get $out))
            (local.set $out (global.get $scratch))))
        ;; u = (x - m) * scale, float64, in two halves.
        (local.set $u0 (f64x2.pmax
          (f64x2.mul
            (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $in))) (local.get $mv))
            (local.get $sv))
          (global.get $lowest)))
        (local.set $u1 (f64x2.pmax
          (f64x2.mul
            (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $in)))
              (local.get $mv))
            (local.get $sv))
          (global.get $lowest)))
        ;; f = u - round(u), as float32.
        (local.set $f (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $u0) (f64x2.nearest (local.get $u0))))
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $u1) (f64x2.nearest (local.get $u1))))))
        ;; k + 2: the low 32 bits of each biased float64.
        (local.set $k (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          (f64x2.add (local.get $u0) (global.get $magic))
          (f64x2.add (local.get $u1) (global.get $magic))))
        ;; 2^f = 1 + f (c1 + f r), r = (c2 + c3 f) + f^2 ((c4 + c5 f) + f^2 c6): the inner part in
        ;; Estrin's order (shorter chains), the last two steps as Horner's (their roundings
        ;; dominate the error).
        ;; The relaxed-SIMD module (scripts/build-wasm.mjs) takes the @relaxed lines instead of
        ;; this block: the same steps, each a * b + c as one f32x4.relaxed_madd, fused (one
        ;; rounding) where the CPU has FMA, else exactly this block's two roundings.
        ;; @plain-begin
        (local.set $f2 (f32x4.mul (local.get $f) (local.get $f)))
        (local.set $p (f32x4.add
          (f32x4.mul (local.get $f2)
            (f32x4.add (f32x4.add (f32x4.mul (global.get $c5) (local.get $f)) (global.get $c4))
              (f32x4.mul (global.get $c6) (local.get $f2))))
          (f32x4.add (f32x4.mul (global.get $c3) (local.get $f)) (global.get $c2))))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $c1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $one)))
        ;; @plain-end
        ;; @relaxed (local.set $f2 (f32x4.mul (local.get $f) (local.get $f)))
        ;; @relaxed (local.set $p (f32x4.relaxed_madd (local.get $f2)
        ;; @relaxed   (f32x4.relaxed_madd (global.get $c6) (local.get $f2)
        ;; @relaxed     (f32x4.relaxed_madd (global.get $c5) (local.get $f) (global.get $c4)))
        ;; @relaxed   (f32x4.relaxed_madd (global.get $c3) (local.get $f) (global.get $c2))))
        ;; @relaxed (local.set $p (f32x4.relaxed_madd (local.get $p) (local.get $f) (global.get $c1)))
        ;; @relaxed (local.set $p (f32x4.relaxed_madd (local.get $p) (local.get $f) (global.get $one)))
        ;; 2^(k+2) * 2^f through the exponent field (a normal float for every kept k: at most
        ;; 4 * 1.42, since u <= 0), then times 1/4 in floating point: exact for normal results,
        ;; and k = -126 lanes round correctly into the subnormals instead of being lost.
        (local.set $e (f32x4.mul
          (v128.and
            (i32x4.add (local.get $p) (i32x4.shl (local.get $k) (i32.const 23)))
            (i32x4.gt_s (local.get $k) (global.get $minK)))
          (global.get $quarter)))
        (if (local.get $write)
          (then
            ;; softmax: store the terms, sum them all (max entries give exactly 1).
            (v128.store (local.get $out) (local.get $e)))
          (else
            ;; logs: entries equal to the max are counted, not summed.
            (local.set $eq (f32x4.eq (v128.load (local.get $in)) (local.get $m32)))
            (local.set $count (i32x4.sub (local.get $count) (local.get $eq)))
            (local.set $e (v128.andnot (local.get $e) (local.get $eq)))))
        (local.set $sum0 (f64x2.add (local.get $sum0) (f64x2.promote_low_f32x4 (local.get $e))))
        (local.set $sum1 (f64x2.add (local.get $sum1) (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
            (local.get $e) (local.get $e)))))
        (br_if $done (local.get $rest))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $next)))
    ;; The tail's results, from the scratch quad to the row.
    (if (i32.and (local.get $write) (i32.gt_u (local.get $rest) (i32.const 0)))
      (then
        (local.set $i (i32.const 0))
        (loop $copyBack
          (f32.store (i32.add (local.get $restOut) (i32.shl (local.get $i) (i32.const 2)))
            (f32.load (i32.add (global.get $scratch) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $copyBack (i32.lt_u (local.get $i) (local.get $rest))))))
    (local.set $sum0 (f64x2.add (local.get $sum0) (local.get $sum1)))
    (f64.add (f64x2.extract_lane 0 (local.get $sum0)) (f64x2.extract_lane 1 (local.get $sum0)))
    (f64.convert_i32_s (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $count)) (i32x4.extract_lane 1 (local.get $count)))
      (i32.add (i32x4.extract_lane 2 (local.get $count)) (i32x4.extract_lane 3 (local.get $count))))))

  ;; The sampler's `split` row pass (src/row-passes.ts): $expSum's terms (its loop, plain
  ;; SIMD128 in both modules; a function of its own so that $expSum's softmax loop keeps its
  ;; registers), all summed (the first result) and none stored; the entries >= $hi (the head)
  ;; also summed apart (the second result) and counted ($headCount), with $weighted also
  ;; sum(term * u) over them ($headWeighted, u in log2 units: times ln 2 for nats); the indices
  ;; ($first + position) of the entries in [$lo, $hi) stored as int32 from $ids ($bandCount of
  ;; them). $lo must be finite: the tail's padding lanes are -Infinity.
  (func $expSplit (export "expSplit") (param $in i32) (param $ids i32) (param $n i32) (param $m f64)
    (param $scale f64) (param $weighted i32) (param $lo f32) (param $hi f32) (param $first i32)
    (result f64 f64)
    (local $end i32) (local $rest i32) (local $i i32) (local $idsStart i32) (local $bits i32)
    (local $mv v128) (local $sv v128) (local $lo4 v128) (local $hi4 v128)
    (local $u0 v128) (local $u1 v128) (local $f v128) (local $f2 v128) (local $p v128)
    (local $k v128) (local $e v128) (local $x v128) (local $in4 v128)
    (local $sum0 v128) (local $sum1 v128) (local $head0 v128) (local $head1 v128)
    (local $wz0 v128) (local $wz1 v128) (local $count v128)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $mv (f64x2.splat (local.get $m)))
    (local.set $sv (f64x2.splat (local.get $scale)))
    (local.set $lo4 (f32x4.splat (local.get $lo)))
    (local.set $hi4 (f32x4.splat (local.get $hi)))
    (local.set $idsStart (local.get $ids))
    (block $done
      (loop $next
        (if (i32.gt_u (i32.add (local.get $in) (i32.const 16)) (local.get $end))
          (then
            (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
            ;; 1-3 entries left: copied to the scratch quad, the other lanes -Infinity (terms
            ;; exactly 0, in neither part).
            (local.set $rest (i32.shr_u (i32.sub (local.get $end) (local.get $in)) (i32.const 2)))
            (v128.store (global.get $scratch) (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $i (i32.const 0))
            (loop $copyIn
              (f32.store (i32.add (global.get $scratch) (i32.shl (local.get $i) (i32.const 2)))
                (f32.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $copyIn (i32.lt_u (local.get $i) (local.get $rest))))
            (local.set $in (global.get $scratch))))
        (local.set $x (v128.load (local.get $in)))
        ;; $expSum's exp: u = (x - m) * scale in float64, f = u - round(u), k + 2, 2^f.
        (local.set $u0 (f64x2.pmax
          (f64x2.mul
            (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $mv))
            (local.get $sv))
          (global.get $lowest)))
        (local.set $u1 (f64x2.pmax
          (f64x2.mul
            (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $in)))
              (local.get $mv))
            (local.get $sv))
          (global.get $lowest)))
        (local.set $f (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $u0) (f64x2.nearest (local.get $u0))))
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $u1) (f64x2.nearest (local.get $u1))))))
        (local.set $k (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
          (f64x2.add (local.get $u0) (global.get $magic))
          (f64x2.add (local.get $u1) (global.get $magic))))
        (local.set $f2 (f32x4.mul (local.get $f) (local.get $f)))
        (local.set $p (f32x4.add
          (f32x4.mul (local.get $f2)
            (f32x4.add (f32x4.add (f32x4.mul (global.get $c5) (local.get $f)) (global.get $c4))
              (f32x4.mul (global.get $c6) (local.get $f2))))
          (f32x4.add (f32x4.mul (global.get $c3) (local.get $f)) (global.get $c2))))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $c1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (global.get $one)))
        (local.set $e (f32x4.mul
          (v128.and
            (i32x4.add (local.get $p) (i32x4.shl (local.get $k) (i32.const 23)))
            (i32x4.gt_s (local.get $k) (global.get $minK)))
          (global.get $quarter)))
        ;; Every term in the sum; the head's (x >= hi) apart and counted.
        (local.set $f (f64x2.promote_low_f32x4 (local.get $e)))
        (local.set $f2 (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $e) (local.get $e))))
        (local.set $sum0 (f64x2.add (local.get $sum0) (local.get $f)))
        (local.set $sum1 (f64x2.add (local.get $sum1) (local.get $f2)))
        (local.set $in4 (f32x4.ge (local.get $x) (local.get $hi4)))
        (local.set $count (i32x4.sub (local.get $count) (local.get $in4)))
        ;; The head's halves: the promoted terms masked by the widened lane masks.
        (local.set $f (v128.and (local.get $f) (i64x2.extend_low_i32x4_s (local.get $in4))))
        (local.set $f2 (v128.and (local.get $f2) (i64x2.extend_high_i32x4_s (local.get $in4))))
        (local.set $head0 (f64x2.add (local.get $head0) (local.get $f)))
        (local.set $head1 (f64x2.add (local.get $head1) (local.get $f2)))
        (if (local.get $weighted)
          (then
            (local.set $wz0 (f64x2.add (local.get $wz0) (f64x2.mul (local.get $f) (local.get $u0))))
            (local.set $wz1 (f64x2.add (local.get $wz1) (f64x2.mul (local.get $f2) (local.get $u1))))))
        ;; The band (lo <= x < hi): its lanes' indices, behind a branch (a few percent of lanes).
        (local.set $bits (i32x4.bitmask
          (v128.andnot (f32x4.ge (local.get $x) (local.get $lo4)) (local.get $in4))))
        (if (local.get $bits)
          (then
            (loop $lanes
              (i32.store (local.get $ids) (i32.add (local.get $first) (i32.ctz (local.get $bits))))
              (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
              (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
              (br_if $lanes (local.get $bits)))))
        (br_if $done (local.get $rest))
        (local.set $first (i32.add (local.get $first) (i32.const 4)))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (br $next)))
    (global.set $headCount (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $count)) (i32x4.extract_lane 1 (local.get $count)))
      (i32.add (i32x4.extract_lane 2 (local.get $count)) (i32x4.extract_lane 3 (local.get $count)))))
    (global.set $bandCount (i32.shr_u (i32.sub (local.get $ids) (local.get $idsStart)) (i32.const 2)))
    (local.set $wz0 (f64x2.add (local.get $wz0) (local.get $wz1)))
    (global.set $headWeighted
      (f64.add (f64x2.extract_lane 0 (local.get $wz0)) (f64x2.extract_lane 1 (local.get $wz0))))
    (local.set $sum0 (f64x2.add (local.get $sum0) (local.get $sum1)))
    (local.set $head0 (f64x2.add (local.get $head0) (local.get $head1)))
    (f64.add (f64x2.extract_lane 0 (local.get $sum0)) (f64x2.extract_lane 1 (local.get $sum0)))
    (f64.add (f64x2.extract_lane 0 (local.get $head0)) (f64x2.extract_lane 1 (local.get $head0))))

  ;; log2(e) / T, capped at 1e308: for a subnormal T the quotient overflows, and 0 * Infinity
  ;; would be NaN for entries equal to the max. The cap changes no float32 result: a nonzero
  ;; x - m of float32 values is at least 2^-149, so it still gives u < -1e263 (clamped).
  (func $scaleOf (param $t f64) (result f64)
    (f64.min (f64.div (f64.const 1.4426950408889634) (local.get $t)) (f64.const 1e308)))

  ;; x *= factor over n float32 entries (16 per iteration, then 4, then one at a time).
  (func $scaleRow (export "scaleRow") (param $p i32) (param $n i32) (param $scalar f32)
    (local $end i32) (local $factor v128)
    (local.set $factor (f32x4.splat (local.get $scalar)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done16
      (loop $next16
        (br_if $done16 (i32.gt_u (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
        (v128.store (local.get $p)
          (f32x4.mul (v128.load (local.get $p)) (local.get $factor)))
        (v128.store offset=16 (local.get $p)
          (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $factor)))
        (v128.store offset=32 (local.get $p)
          (f32x4.mul (v128.load offset=32 (local.get $p)) (local.get $factor)))
        (v128.store offset=48 (local.get $p)
          (f32x4.mul (v128.load offset=48 (local.get $p)) (local.get $factor)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $next16)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $p) (f32x4.mul (v128.load (local.get $p)) (local.get $factor)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next4)))
    (block $doneTail
      (loop $nextTail
        (br_if $doneTail (i32.ge_u (local.get $p) (local.get $end)))
        (f32.store (local.get $p) (f32.mul (f32.load (local.get $p))
          (local.get $scalar)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $nextTail))))

  ;; softmax of each row with skip[r] = 0: terms written by $expSum, then multiplied by the
  ;; float32 reciprocal of their float64 sum (three float32 roundings per entry in all).
  (func $softmax (export "softmax")
    (param $in i32) (param $out i32) (param $rows i32) (param $cols i32)
    (param $maxPtr i32) (param $tempPtr i32) (param $skipPtr i32)
    (local $r i32) (local $rowBytes i32) (local $sum f64) (local $count f64) (local $factor f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $skipPtr) (local.get $r))))
          (then
            (call $expSum (local.get $in) (local.get $out) (local.get $cols)
              (f64.load (i32.add (local.get $maxPtr) (i32.shl (local.get $r) (i32.const 3))))
              (call $scaleOf
                (f64.load (i32.add (local.get $tempPtr) (i32.shl (local.get $r) (i32.const 3)))))
              (i32.const 1))
            (local.set $count)
            (local.set $sum)
            ;; sum >= 1 (the max entry gives exactly 1): the reciprocal is finite.
            (local.set $factor (f32.demote_f64
              (f64.div (f64.const 1) (f64.add (local.get $sum) (local.get $count)))))
            (call $scaleRow (local.get $out) (local.get $cols) (local.get $factor))))
        (local.set $in (i32.add (local.get $in) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next))))

  ;; scan, then softmax with the scan's flags as the skip marks (core had none): one call from
  ;; JavaScript for the common case. With $halt, a flagged row stops it before any write.
  ;; Returns the flagged count.
  (func (export "scanSoftmax")
    (param $in i32) (param $out i32) (param $rows i32) (param $cols i32)
    (param $maxPtr i32) (param $tempPtr i32) (param $flagPtr i32) (param $halt i32) (result i32)
    (local $flagged i32)
    (local.set $flagged (call $scan (local.get $in) (local.get $rows) (local.get $cols)
      (local.get $maxPtr) (local.get $flagPtr)))
    (if (i32.and (local.get $halt) (i32.ne (local.get $flagged) (i32.const 0)))
      (then (return (local.get $flagged))))
    (call $softmax (local.get $in) (local.get $out) (local.get $rows) (local.get $cols)
      (local.get $maxPtr) (local.get $tempPtr) (local.get $flagPtr))
    (local.get $flagged))

  ;; For each row with skip[r] = 0: s = sum over j != k of exp((x_j - m) / T), k the first index
  ;; of the max, stored as f64 at $sumPtr + 8r. JavaScript then takes log1p(s) (logSumExp,
  ;; logSoftmax): the count of max entries keeps s exact relative to itself.
  (func (export "sumExcludingMax")
    (param $in i32) (param $rows i32) (param $cols i32)
    (param $maxPtr i32) (param $tempPtr i32) (param $skipPtr i32) (param $sumPtr i32)
    (local $r i32) (local $rowBytes i32) (local $sum f64) (local $count f64) (local $at i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $skipPtr) (local.get $r))))
          (then
            (local.set $at (i32.shl (local.get $r) (i32.const 3)))
            (call $expSum (local.get $in) (local.get $in) (local.get $cols)
              (f64.load (i32.add (local.get $maxPtr) (local.get $at)))
              (call $scaleOf (f64.load (i32.add (local.get $tempPtr) (local.get $at))))
              (i32.const 0))
            (local.set $count)
            (local.set $sum)
            (f64.store (i32.add (local.get $sumPtr) (local.get $at))
              (f64.add (f64.sub (local.get $count) (f64.const 1)) (local.get $sum)))))
        (local.set $in (i32.add (local.get $in) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next))))

  ;; logSoftmax of each row with skip[r] = 0: (x - m) * min(1/T, 1e308) - L, L = log1p(s) at
  ;; $logPtr + 8r, in float64, rounded once to float32. The cap leaves every float32 result
  ;; as the exact quotient gives it (see $scaleOf).
  (func (export "logSoftmax")
    (param $in i32) (param $out i32) (param $rows i32) (param $cols i32)
    (param $maxPtr i32) (param $tempPtr i32) (param $skipPtr i32) (param $logPtr i32)
    (local $r i32) (local $rowBytes i32) (local $at i32) (local $end i32)
    (local $mv v128) (local $iv v128) (local $lv v128) (local $p i32) (local $q i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $skipPtr) (local.get $r))))
          (then
            (local.set $at (i32.shl (local.get $r) (i32.const 3)))
            (local.set $mv (f64x2.splat (f64.load (i32.add (local.get $maxPtr) (local.get $at)))))
            (local.set $iv (f64x2.splat (f64.min
              (f64.div (f64.const 1) (f64.load (i32.add (local.get $tempPtr) (local.get $at))))
              (f64.const 1e308))))
            (local.set $lv (f64x2.splat (f64.load (i32.add (local.get $logPtr) (local.get $at)))))
            (local.set $p (local.get $in))
            (local.set $q (local.get $out))
            (local.set $end (i32.add (local.get $in) (local.get $rowBytes)))
            (block $donePairs
              (loop $nextPair
                (br_if $donePairs (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
                (v128.store64_lane 0 (local.get $q) (f32x4.demote_f64x2_zero
                  (f64x2.sub
                    (f64x2.mul
                      (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))
                        (local.get $mv))
                      (local.get $iv))
                    (local.get $lv))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (local.set $q (i32.add (local.get $q) (i32.const 8)))
                (br $nextPair)))
            (if (i32.lt_u (local.get $p) (local.get $end))
              (then
                (f32.store (local.get $q) (f32.demote_f64
                  (f64.sub
                    (f64.mul
                      (f64.sub (f64.promote_f32 (f32.load (local.get $p)))
                        (f64x2.extract_lane 0 (local.get $mv)))
                      (f64x2.extract_lane 0 (local.get $iv)))
                    (f64x2.extract_lane 0 (local.get $lv)))))))))
        (local.set $in (i32.add (local.get $in) (local.get $rowBytes)))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next))))
  ;; ---- The sampler's row scans (src/row-passes.ts; RowPasses of core). One float32 row of $n
  ;; entries at $in each; thresholds are float32 values that JavaScript rounded up (the smallest
  ;; float32 >= the float64 threshold), so float32 comparisons give the float64 ones' answers.
  ;; Every pass reads 8 entries per iteration, then 4, then a scalar tail; row-passes.test.ts
  ;; puts NaN, infinities, ties and threshold values in every lane and tail position.

  ;; The count of entries >= $t (NaN never).
  (func (export "countAtLeast") (param $in i32) (param $n i32) (param $t f32) (result i32)
    (local $end i32) (local $tv v128) (local $c0 v128) (local $c1 v128) (local $count i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $tv (f32x4.splat (local.get $t)))
    (block $done8
      (loop $next8
        (br_if $done8 (i32.gt_u (i32.add (local.get $in) (i32.const 32)) (local.get $end)))
        (local.set $c0 (i32x4.sub (local.get $c0) (f32x4.ge (v128.load (local.get $in)) (local.get $tv))))
        (local.set $c1 (i32x4.sub (local.get $c1)
          (f32x4.ge (v128.load offset=16 (local.get $in)) (local.get $tv))))
        (local.set $in (i32.add (local.get $in) (i32.const 32)))
        (br $next8)))
    (if (i32.le_u (i32.add (local.get $in) (i32.const 16)) (local.get $end))
      (then
        (local.set $c0 (i32x4.sub (local.get $c0) (f32x4.ge (v128.load (local.get $in)) (local.get $tv))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))))
    (local.set $c0 (i32x4.add (local.get $c0) (local.get $c1)))
    (local.set $count (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $c0)) (i32x4.extract_lane 1 (local.get $c0)))
      (i32.add (i32x4.extract_lane 2 (local.get $c0)) (i32x4.extract_lane 3 (local.get $c0)))))
    (block $doneTail
      (loop $nextTail
        (br_if $doneTail (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $count (i32.add (local.get $count) (f32.ge (f32.load (local.get $in)) (local.get $t))))
        (local.set $in (i32.add (local.get $in) (i32.const 4)))
        (br $nextTail)))
    (local.get $count))

  ;; Writes the four indices $i .. $i+3 at $out + 4 * $count, moving $count on for each lane set
  ;; in $mask (bits 0-3, lane order): branch-free, so increasing order and room for the row as
  ;; core's gather. Returns the new count.
  (func $emit4 (param $out i32) (param $count i32) (param $i i32) (param $mask i32) (result i32)
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
    (local.set $count (i32.add (local.get $count) (i32.and (local.get $mask) (i32.const 1))))
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2)))
      (i32.add (local.get $i) (i32.const 1)))
    (local.set $count (i32.add (local.get $count)
      (i32.and (i32.shr_u (local.get $mask) (i32.const 1)) (i32.const 1))))
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2)))
      (i32.add (local.get $i) (i32.const 2)))
    (local.set $count (i32.add (local.get $count)
      (i32.and (i32.shr_u (local.get $mask) (i32.const 2)) (i32.const 1))))
    (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2)))
      (i32.add (local.get $i) (i32.const 3)))
    (i32.add (local.get $count) (i32.shr_u (local.get $mask) (i32.const 3))))

  ;; The indices of the entries not below $t (>= $t, and NaN), increasing, as int32 at $out
  ;; (room for $n); returns their count. Quads with no such entry (most of a row, for top-p and
  ;; min-p cut-offs) cost a compare and a test; the others go through $emit4.
  (func (export "gatherAtLeast") (param $in i32) (param $n i32) (param $t f32) (param $out i32)
    (result i32)
    (local $end i32) (local $tv v128) (local $m0 v128) (local $m1 v128) (local $i i32)
    (local $count i32) (local $s f32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $tv (f32x4.splat (local.get $t)))
    (block $done8
      (loop $next8
        (br_if $done8 (i32.gt_u (i32.add (local.get $in) (i32.const 32)) (local.get $end)))
        (local.set $m0 (v128.not (f32x4.lt (v128.load (local.get $in)) (local.get $tv))))
        (local.set $m1 (v128.not (f32x4.lt (v128.load offset=16 (local.get $in)) (local.get $tv))))
        (if (v128.any_true (v128.or (local.get $m0) (local.get $m1)))
          (then
            (local.set $count (call $emit4 (local.get $out) (local.get $count) (local.get $i)
              (i32x4.bitmask (local.get $m0))))
            (local.set $count (call $emit4 (local.get $out) (local.get $count)
              (i32.add (local.get $i) (i32.const 4)) (i32x4.bitmask (local.get $m1))))))
        (local.set $in (i32.add (local.get $in) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next8)))
    (block $doneTail
      (loop $nextTail
        (br_if $doneTail (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $s (f32.load (local.get $in)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
        (local.set $count (i32.add (local.get $count)
          (i32.eqz (f32.lt (local.get $s) (local.get $t)))))
        (local.set $in (i32.add (local.get $in) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $nextTail)))
    (local.get $count))

  ;; The lowest index of an entry equal to $v (never NaN), or, with $v NaN, of a NaN entry; -1
  ;; when there is none. Quads first (the first lane set from the bitmask), then the tail.
  (func $firstOf (param $in i32) (param $n i32) (param $v f32) (result i32)
    (local $p i32) (local $end i32) (local $vv v128) (local $mask i32) (local $s f32)
    (local $nan i32)
    (local.set $nan (f32.ne (local.get $v) (local.get $v)))
    (local.set $p (local.get $in))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vv (f32x4.splat (local.get $v)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (local.set $mask (i32x4.bitmask (if (result v128) (local.get $nan)
          (then (f32x4.ne (v128.load (local.get $p)) (v128.load (local.get $p))))
          (else (f32x4.eq (v128.load (local.get $p)) (local.get $vv))))))
        (if (local.get $mask)
          (then (return (i32.add
            (i32.shr_u (i32.sub (local.get $p) (local.get $in)) (i32.const 2))
            (i32.ctz (local.get $mask))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next4)))
    (block $doneTail
      (loop $nextTail
        (br_if $doneTail (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.load (local.get $p)))
        (if (i32.or (f32.eq (local.get $s) (local.get $v))
              (i32.and (local.get $nan) (f32.ne (local.get $s) (local.get $s))))
          (then (return (i32.shr_u (i32.sub (local.get $p) (local.get $in)) (i32.const 2)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $nextTail)))
    (i32.const -1))

  ;; RowStats of core: (max, NaN ignored; lowest index of the max, -1 when no entry exceeds
  ;; -Infinity; first NaN's index, -1 for none; count of -Infinity entries; count of +Infinity
  ;; entries). One SIMD pass for the max, the NaN flag and both infinity counts, then the first
  ;; max (and the first NaN, only when the row has one) from the row's start.
  (func (export "rowStats") (param $in i32) (param $n i32) (result f32 i32 i32 i32 i32)
    (local $p i32) (local $end i32) (local $x v128) (local $a0 v128) (local $a1 v128)
    (local $nan v128) (local $neg v128) (local $pos v128) (local $ninf v128) (local $pinf v128)
    (local $m f32) (local $s f32) (local $nanScalar i32) (local $masked i32) (local $positive i32)
    (local.set $p (local.get $in))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $ninf (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $pinf (v128.const f32x4 inf inf inf inf))
    (local.set $a0 (local.get $ninf))
    (local.set $a1 (local.get $ninf))
    (block $done8
      (loop $next8
        (br_if $done8 (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $end)))
        (local.set $x (v128.load (local.get $p)))
        (local.set $a0 (f32x4.pmax (local.get $a0) (local.get $x)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $neg (i32x4.sub (local.get $neg) (f32x4.eq (local.get $x) (local.get $ninf))))
        (local.set $pos (i32x4.sub (local.get $pos) (f32x4.eq (local.get $x) (local.get $pinf))))
        (local.set $x (v128.load offset=16 (local.get $p)))
        (local.set $a1 (f32x4.pmax (local.get $a1) (local.get $x)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $neg (i32x4.sub (local.get $neg) (f32x4.eq (local.get $x) (local.get $ninf))))
        (local.set $pos (i32x4.sub (local.get $pos) (f32x4.eq (local.get $x) (local.get $pinf))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $next8)))
    (if (i32.le_u (i32.add (local.get $p) (i32.const 16)) (local.get $end))
      (then
        (local.set $x (v128.load (local.get $p)))
        (local.set $a0 (f32x4.pmax (local.get $a0) (local.get $x)))
        (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))
        (local.set $neg (i32x4.sub (local.get $neg) (f32x4.eq (local.get $x) (local.get $ninf))))
        (local.set $pos (i32x4.sub (local.get $pos) (f32x4.eq (local.get $x) (local.get $pinf))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))))
    ;; Lanes are never NaN (pmax keeps the accumulator against a NaN entry).
    (local.set $a0 (f32x4.pmax (local.get $a0) (local.get $a1)))
    (local.set $m (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
      (f32.max (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
    (local.set $nanScalar (v128.any_true (local.get $nan)))
    (local.set $masked (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $neg)) (i32x4.extract_lane 1 (local.get $neg)))
      (i32.add (i32x4.extract_lane 2 (local.get $neg)) (i32x4.extract_lane 3 (local.get $neg)))))
    (local.set $positive (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $pos)) (i32x4.extract_lane 1 (local.get $pos)))
      (i32.add (i32x4.extract_lane 2 (local.get $pos)) (i32x4.extract_lane 3 (local.get $pos)))))
    (block $doneTail
      (loop $nextTail
        (br_if $doneTail (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.load (local.get $p)))
        (local.set $nanScalar (i32.or (local.get $nanScalar) (f32.ne (local.get $s) (local.get $s))))
        (local.set $masked (i32.add (local.get $masked) (f32.eq (local.get $s) (f32.const -inf))))
        (local.set $positive (i32.add (local.get $positive) (f32.eq (local.get $s) (f32.const inf))))
        (if (f32.gt (local.get $s) (local.get $m)) (then (local.set $m (local.get $s))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $nextTail)))
    (local.get $m)
    (if (result i32) (f32.eq (local.get $m) (f32.const -inf))
      (then (i32.const -1))
      (else (call $firstOf (local.get $in) (local.get $n) (local.get $m))))
    (if (result i32) (local.get $nanScalar)
      (then (call $firstOf (local.get $in) (local.get $n) (f32.const nan)))
      (else (i32.const -1)))
    (local.get $masked)
    (local.get $positive))

  ;; ---- The sampler's candidates.
  ;; The float32 entries at the $count int32 indices at $ids of the row at $in, stored in that
  ;; order at $out: the values of the candidates gatherAtLeast found (src/row-passes.ts), which
  ;; JavaScript reads back and $expSum (with $write) weighs. Scalar loads: the indices are
  ;; arbitrary, and the candidates are a small part of the row.
  (func (export "pickValues") (param $in i32) (param $ids i32) (param $count i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ids) (local.get $end)))
        (f32.store (local.get $out)
          (f32.load (i32.add (local.get $in) (i32.shl (i32.load (local.get $ids)) (i32.const 2)))))
        (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next))))
)

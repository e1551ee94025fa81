// Shared helpers of the rcsd OpenCL kernels (OpenCL C 1.2).
//
// Launch geometry of every row kernel: one work-group of WG work-items per token row
// (global size = rows * WG, local size = WG, WG a power of two defined at build time).
// Work-items walk the row with a stride of 4 * WG using vload4, then combine their partial
// results with tree reductions in local memory.
//
// Each loss is an inline row function `<loss>_row` called by its `__kernel <loss>`.
//
// Layout: logits are row-major [rows, V] float32 (teachers [K, rows, V]); a row may start at
// any float offset, which vload4 allows. -inf logits (padding) give probability 0 exactly.

#define NEG_INF (-INFINITY)
#define LOG_FLOOR (-1e30f)

// Tree reductions over the work-group; every work-item gets the result. `scratch` holds WG floats.
inline float group_max(float x, __local float* scratch) {
  const int lid = get_local_id(0);
  scratch[lid] = x;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = WG / 2; s > 0; s >>= 1) {
    if (lid < s) scratch[lid] = fmax(scratch[lid], scratch[lid + s]);
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  float r = scratch[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return r;
}

inline float group_sum(float x, __local float* scratch) {
  const int lid = get_local_id(0);
  scratch[lid] = x;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (int s = WG / 2; s > 0; s >>= 1) {
    if (lid < s) scratch[lid] += scratch[lid + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  float r = scratch[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return r;
}

// The largest logit of a row.
inline float row_max(__global const float* row, int V, __local float* scratch) {
  const int lid = get_local_id(0);
  const int V4 = V / 4;
  float m = NEG_INF;
  for (int i = lid; i < V4; i += WG) {
    float4 x = vload4(i, row);
    m = fmax(m, fmax(fmax(x.s0, x.s1), fmax(x.s2, x.s3)));
  }
  for (int i = 4 * V4 + lid; i < V; i += WG) m = fmax(m, row[i]);
  return group_max(m, scratch);
}

// log sum_v exp((row[v] - max) / T), the row's max given.
inline float row_log_z(__global const float* row, int V, float max, float inv_t, __local float* scratch) {
  const int lid = get_local_id(0);
  const int V4 = V / 4;
  float s = 0.0f;
  for (int i = lid; i < V4; i += WG) {
    float4 e = exp((vload4(i, row) - max) * inv_t);
    s += (e.s0 + e.s1) + (e.s2 + e.s3);
  }
  for (int i = 4 * V4 + lid; i < V; i += WG) s += exp((row[i] - max) * inv_t);
  return log(group_sum(s, scratch));
}

// -sum p log p of the row, with log p = (row - max) / T - log_z; padding contributes 0.
inline float row_entropy(__global const float* row, int V, float max, float log_z, float inv_t,
                         __local float* scratch) {
  const int lid = get_local_id(0);
  float h = 0.0f;
  for (int i = lid; i < V; i += WG) {
    float lp = fmax((row[i] - max) * inv_t - log_z, LOG_FLOOR);
    h -= exp(lp) * lp;
  }
  return group_sum(h, scratch);
}

// Sum of per-row values by one work-group: the cross-work-group step of every loss, kept out of
// the row kernels. Launch with global = local = WG.
inline void sum_rows_group(__global const float* values, int n, __global float* out, __local float* scratch) {
  const int lid = get_local_id(0);
  float s = 0.0f;
  for (int i = lid; i < n; i += WG) s += values[i];
  s = group_sum(s, scratch);
  if (lid == 0) out[0] = s;
}

__kernel void sum_rows(__global const float* values, int n, __global float* out) {
  __local float scratch[WG];
  sum_rows_group(values, n, out, scratch);
}

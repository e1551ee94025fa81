// TopKDistillation for k <= MAX_K. One work-group per row n; per teacher context:
//   select  every work-item keeps the top-k of its strided columns in a private list sorted by
//           (value desc, id asc); k rounds of a work-group arg-max over the list heads merge
//           them (a column id c belongs to work-item c % WG)
//   loss    the k-entry softmaxes and clipped terms, computed by every work-item (double where
//           the device has cl_khr_fp64); the gradient entries of S split over the work-group
// The gradient row is zeroed first; entries outside S stay 0.
#define MAX_K 64

#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real_t;
#else
typedef float real_t;
#endif

inline int better(float va, int ia, float vb, int ib) {
  return va > vb || (va == vb && ia < ib);
}

inline void topk_distillation_row(__global const float* z, __global const float* u, __global const float* mask,
                                  int rows, int V, int K, int kk, float inv_t, float clip, float scale,
                                  __global float* topk_out, __global float* row_loss, __global float* grad,
                                  __local float* scratch, __local float* cand_v, __local int* cand_i,
                                  __local float* sel_v, __local int* sel_i) {
  const int n = get_group_id(0);
  const int lid = get_local_id(0);
  __global const float* row = z + (size_t) n * V;
  __global float* g = grad + (size_t) n * V;
  for (int i = lid; i < V; i += WG) g[i] = 0.0f;
  barrier(CLK_GLOBAL_MEM_FENCE);
  const float c = mask[n] * scale * inv_t;
  float loss = 0.0f;
  for (int k = 0; k < K; k++) {
    __global const float* t = u + ((size_t) k * rows + n) * V;
    float pv[MAX_K];
    int pi[MAX_K];
    int cnt = 0;
    for (int i = lid; i < V; i += WG) {
      float x = t[i];
      if (cnt == kk && !(x > pv[kk - 1])) continue;
      int at = cnt < kk ? cnt : kk - 1;
      while (at > 0 && x > pv[at - 1]) {
        pv[at] = pv[at - 1];
        pi[at] = pi[at - 1];
        at--;
      }
      pv[at] = x;
      pi[at] = i;
      if (cnt < kk) cnt++;
    }
    int head = 0;
    for (int r = 0; r < kk; r++) {
      cand_v[lid] = head < cnt ? pv[head] : NEG_INF;
      cand_i[lid] = head < cnt ? pi[head] : INT_MAX;
      barrier(CLK_LOCAL_MEM_FENCE);
      for (int s = WG / 2; s > 0; s >>= 1) {
        if (lid < s && better(cand_v[lid + s], cand_i[lid + s], cand_v[lid], cand_i[lid])) {
          cand_v[lid] = cand_v[lid + s];
          cand_i[lid] = cand_i[lid + s];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
      }
      int w = cand_i[0];
      if (lid == 0) {
        sel_v[r] = cand_v[0];
        sel_i[r] = w;
      }
      if (head < cnt && pi[head] == w) head++;
      barrier(CLK_LOCAL_MEM_FENCE);
    }
    // The k-entry softmaxes and clipped terms: every work-item computes them itself (k <= 64),
    // in double where the device has it, so that they agree exactly and need no reduction.
    real_t tmax = -INFINITY;
    real_t smax = -INFINITY;
    for (int r = 0; r < kk; r++) {
      tmax = fmax(tmax, (real_t) sel_v[r]);
      smax = fmax(smax, (real_t) row[sel_i[r]]);
    }
    const int padded = smax == -INFINITY;  // every id of S padded in the student: q_S = 0
    real_t sum_t = 0;
    real_t sum_s = 0;
    for (int r = 0; r < kk; r++) {
      sum_t += exp(((real_t) sel_v[r] - tmax) * inv_t);
      sum_s += padded ? 0 : exp(((real_t) row[sel_i[r]] - smax) * inv_t);
    }
    const real_t lzt = log(sum_t);
    const real_t lzs = padded ? 0 : log(sum_s);
    real_t kl = 0;
    real_t mass = 0;
    for (int r = 0; r < kk; r++) {
      real_t lqt = ((real_t) sel_v[r] - tmax) * inv_t - lzt;
      real_t lqs = padded ? -INFINITY : ((real_t) row[sel_i[r]] - smax) * inv_t - lzs;
      real_t qt = exp(lqt);
      real_t term = qt > 0 ? qt * (lqt - lqs) : 0;
      kl += fmin((real_t) clip, term);
      mass += term <= clip ? qt : 0;
    }
    if (c != 0.0f) {
      for (int r = lid; r < kk; r += WG) {
        real_t lqt = ((real_t) sel_v[r] - tmax) * inv_t - lzt;
        real_t lqs = padded ? -INFINITY : ((real_t) row[sel_i[r]] - smax) * inv_t - lzs;
        real_t qt = exp(lqt);
        real_t term = qt > 0 ? qt * (lqt - lqs) : 0;
        g[sel_i[r]] += (float) (c * (exp(lqs) * mass - (term <= clip ? qt : 0)));
      }
    }
    if (lid == 0) topk_out[k * rows + n] = (float) kl;
    loss += mask[n] * (float) kl;
    barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) row_loss[n] = loss;
}

__kernel void topk_distillation(__global const float* z, __global const float* u, __global const float* mask,
                                int rows, int V, int K, int kk, float inv_t, float clip, float scale,
                                __global float* topk_out, __global float* row_loss, __global float* grad) {
  __local float scratch[WG];
  __local float cand_v[WG];
  __local int cand_i[WG];
  __local float sel_v[MAX_K];
  __local int sel_i[MAX_K];
  topk_distillation_row(z, u, mask, rows, V, K, kk, inv_t, clip, scale, topk_out, row_loss, grad, scratch, cand_v,
                        cand_i, sel_v, sel_i);
}

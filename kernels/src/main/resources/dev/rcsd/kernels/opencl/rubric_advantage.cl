// RubricAdvantage. One work-group per row n: log Z of the student and of each teacher row give
// s and t; advantages[n] = mask[n] sum_k w[k] clamp(t_k - s, -a, a); the gradient
// c (onehot(token) - p_S) with c = -mask[n] advantages[n] scale / T, scale = 1 / M.
inline void rubric_advantage_row(__global const float* z, __global const float* u, __global const int* tokens,
                                 __global const float* mask, __global const float* weights,
                                 int rows, int V, int K, float inv_t, float clip, float scale,
                                 __global float* s_out, __global float* adv_out, __global float* row_loss,
                                 __global float* grad, __local float* scratch) {
  const int n = get_group_id(0);
  const int lid = get_local_id(0);
  const int tok = tokens[n];
  __global const float* row = z + (size_t) n * V;
  const float sm = row_max(row, V, scratch);
  const float slz = row_log_z(row, V, sm, inv_t, scratch);
  const float s = (row[tok] - sm) * inv_t - slz;
  float adv = 0.0f;
  for (int k = 0; k < K; k++) {
    __global const float* t = u + ((size_t) k * rows + n) * V;
    float tm = row_max(t, V, scratch);
    float tl = row_log_z(t, V, tm, inv_t, scratch);
    adv += weights[k] * clamp((t[tok] - tm) * inv_t - tl - s, -clip, clip);
  }
  adv *= mask[n];
  const float c = -mask[n] * adv * scale * inv_t;
  __global float* g = grad + (size_t) n * V;
  for (int i = lid; i < V; i += WG) {
    g[i] = c * ((i == tok ? 1.0f : 0.0f) - exp((row[i] - sm) * inv_t - slz));
  }
  if (lid == 0) {
    s_out[n] = s;
    adv_out[n] = adv;
    row_loss[n] = -mask[n] * adv * s;
  }
}

__kernel void rubric_advantage(__global const float* z, __global const float* u, __global const int* tokens,
                               __global const float* mask, __global const float* weights,
                               int rows, int V, int K, float inv_t, float clip, float scale,
                               __global float* s_out, __global float* adv_out, __global float* row_loss,
                               __global float* grad) {
  __local float scratch[WG];
  rubric_advantage_row(z, u, tokens, mask, weights, rows, V, K, inv_t, clip, scale, s_out, adv_out, row_loss, grad,
                       scratch);
}

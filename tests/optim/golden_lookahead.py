#!/usr/bin/python3
"""Writes golden_lookahead.hpp: Lookahead and Ranger trajectories on a tiny linear regression.

The problem: weights w (3) and bias b (1), fixed data X (8 x 3) and y (8), loss
0.5 * mean((X w + b - y)^2), in float64. Lookahead (Zhang et al. 2019, Algorithm 1, as the
authors' reference code) is written here on top of torch.optim, which has no Lookahead:
slow weights start at the initial parameters; after every k-th step of the inner optimiser
slow += alpha * (fast - slow) and fast = slow; the inner optimiser's state is kept. Ranger is
Lookahead around torch.optim.RAdam. lookahead_golden_test.cpp computes the same gradients in
C++, runs nnlab's optimiser, and compares every step. Run with the python that has torch:

    /usr/bin/python3 tests/optim/golden_lookahead.py
"""

import pathlib

import torch

STEPS = 25
X = [[0.5, -1.2, 0.3], [1.1, 0.4, -0.7], [-0.3, 0.8, 1.5], [0.9, -0.5, 0.2],
     [-1.4, 0.6, -0.1], [0.2, 1.3, 0.8], [0.7, -0.9, -1.1], [-0.6, -0.2, 0.4]]
Y = [0.8, -0.3, 1.9, 0.1, -1.5, 2.2, -0.4, 0.3]
W0 = [0.1, -0.2, 0.3]
B0 = [0.05]

# (name, torch class, torch keyword arguments, nnlab options as C++ designated initialisers, k, alpha)
CASES = [
    ("lookahead_sgd_momentum", "SGD", dict(lr=0.05, momentum=0.9),
     ".kind = OptimizerKind::sgd, .lr = 0.05, .momentum = 0.9, .wrapper = OptimizerWrapper::lookahead, "
     ".lookahead_k = 5, .lookahead_alpha = 0.5", 5, 0.5),
    ("lookahead_adam", "Adam", dict(lr=0.05),
     ".kind = OptimizerKind::adam, .lr = 0.05, .wrapper = OptimizerWrapper::lookahead, "
     ".lookahead_k = 3, .lookahead_alpha = 0.8", 3, 0.8),
    ("ranger", "RAdam", dict(lr=0.05),
     ".kind = OptimizerKind::radam, .lr = 0.05, .wrapper = OptimizerWrapper::ranger, "
     ".lookahead_k = 6, .lookahead_alpha = 0.5", 6, 0.5),
]


def trajectory(torch_class, kwargs, k, alpha):
    x = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(Y, dtype=torch.float64)
    params = [torch.tensor(W0, dtype=torch.float64, requires_grad=True),
              torch.tensor(B0, dtype=torch.float64, requires_grad=True)]
    inner = getattr(torch.optim, torch_class)(params, **kwargs)
    slow = [p.detach().clone() for p in params]
    out = []
    for step in range(1, STEPS + 1):
        inner.zero_grad()
        residual = x @ params[0] + params[1] - y
        (0.5 * (residual ** 2).mean()).backward()
        inner.step()
        if step % k == 0:
            with torch.no_grad():
                for p, s in zip(params, slow):
                    s.add_(p - s, alpha=alpha)
                    p.copy_(s)
        out.append([p.detach().tolist() for p in params])
    return out


def numbers(values):
    return "{" + ", ".join(f"{v:.17g}" for v in values) + "}"


def main():
    lines = [
        "// Lookahead and Ranger trajectories of golden_lookahead.py (torch.optim inside the paper's",
        f"// Lookahead, float64), generated with torch {torch.__version__} -- do not edit; re-run",
        "// `/usr/bin/python3 tests/optim/golden_lookahead.py`.",
        "#pragma once", "", "#include <vector>", "", '#include "optim/options.hpp"', "",
        "namespace nnlab::golden_lookahead {", "",
        "// 0.5 * mean((X w + b - y)^2) from w = initial_w, b = initial_b.",
        "inline const std::vector<std::vector<double>> x = {" + ", ".join(numbers(r) for r in X) + "};",
        f"inline const std::vector<double> y = {numbers(Y)};",
        f"inline const std::vector<double> initial_w = {numbers(W0)};",
        f"inline const std::vector<double> initial_b = {numbers(B0)};", "",
        "struct Case {", "  const char* name;", "  OptimizerOptions options;",
        "  std::vector<std::vector<std::vector<double>>> expected;  // [step][w, b][element], after the step", "};", "",
        "inline const std::vector<Case>& cases() {", "  static const std::vector<Case> all = {",
    ]
    for name, torch_class, kwargs, options, k, alpha in CASES:
        steps = trajectory(torch_class, kwargs, k, alpha)
        lines.append(f'      {{"{name}", {{{options}}}, {{')
        for w, b in steps:
            lines.append(f"          {{{numbers(w)}, {numbers(b)}}},")
        lines.append("      }},")
    lines += ["  };", "  return all;", "}", "", "}  // namespace nnlab::golden_lookahead", ""]
    path = pathlib.Path(__file__).with_name("golden_lookahead.hpp")
    path.write_text("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

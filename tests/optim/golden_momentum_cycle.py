#!/usr/bin/python3
"""Writes golden_momentum_cycle.hpp: 25 training steps of torch.optim under OneCycleLR and
CyclicLR with cycle_momentum on, the schedulers setting each step's rate and momentum (SGD,
RMSprop) or beta1 (Adam, RAdam).

The problem is golden_lookahead.py's: weights w (3) and bias b (1), fixed data X (8 x 3) and
y (8), loss 0.5 * mean((X w + b - y)^2), in float64. momentum_cycle_golden_test.cpp computes the
same gradients in C++, runs nnlab's optimiser with the rates and momenta of its schedule, and
compares every step. Run with the python that has torch:

    /usr/bin/python3 tests/optim/golden_momentum_cycle.py
"""

import pathlib

import torch
from torch.optim import lr_scheduler as S

from golden_lookahead import B0, STEPS, W0, X, Y, numbers  # the same regression problem

# (name, torch class, torch keyword arguments, scheduler, nnlab options and schedule as C++
# designated initialisers). The options' momentum / beta1 is the cycle's first value, as
# member_optimizer sets it (PyTorch overwrites the param group's).
CASES = [
    ("sgd_one_cycle", "SGD", dict(lr=0.05, momentum=0.9), lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=STEPS),
     ".kind = OptimizerKind::sgd, .lr = 0.05, .momentum = 0.95",
     ".kind = ScheduleKind::one_cycle, .unit = ScheduleUnit::step, .max_lr = 0.2, .total_steps = 25, .cycle_momentum = true, "
     ".base_momentum = 0.85, .max_momentum = 0.95"),
    ("sgd_nesterov_cyclic", "SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.01),
     lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, step_size_down=6, base_momentum=0.7, max_momentum=0.9),
     ".kind = OptimizerKind::sgd, .lr = 0.01, .weight_decay = 0.01, .momentum = 0.9, .nesterov = true",
     ".kind = ScheduleKind::cyclic, .unit = ScheduleUnit::step, .base_lr = 0.01, .max_lr = 0.1, .step_size_up = 4, .step_size_down = 6, "
     ".cycle_momentum = true, .base_momentum = 0.7, .max_momentum = 0.9"),
    ("rmsprop_one_cycle", "RMSprop", dict(lr=0.01, momentum=0.5),
     lambda o: S.OneCycleLR(o, max_lr=0.02, total_steps=STEPS, anneal_strategy="linear", three_phase=True),
     ".kind = OptimizerKind::rmsprop, .lr = 0.01, .momentum = 0.95, .eps = 1e-8, .alpha = 0.99",
     ".kind = ScheduleKind::one_cycle, .unit = ScheduleUnit::step, .max_lr = 0.02, .total_steps = 25, .anneal = Anneal::linear, "
     ".three_phase = true, .cycle_momentum = true, .base_momentum = 0.85, .max_momentum = 0.95"),
    ("adam_one_cycle", "Adam", dict(lr=0.01), lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=STEPS, pct_start=0.4),
     ".kind = OptimizerKind::adam, .lr = 0.01, .beta1 = 0.95",
     ".kind = ScheduleKind::one_cycle, .unit = ScheduleUnit::step, .max_lr = 0.1, .total_steps = 25, .pct_start = 0.4, "
     ".cycle_momentum = true, .base_momentum = 0.85, .max_momentum = 0.95"),
    ("adamw_one_cycle", "AdamW", dict(lr=0.01, weight_decay=0.1, amsgrad=True),
     lambda o: S.OneCycleLR(o, max_lr=0.05, total_steps=STEPS, base_momentum=0.8, max_momentum=0.9),
     ".kind = OptimizerKind::adamw, .lr = 0.01, .weight_decay = 0.1, .beta1 = 0.9, .amsgrad = true",
     ".kind = ScheduleKind::one_cycle, .unit = ScheduleUnit::step, .max_lr = 0.05, .total_steps = 25, .cycle_momentum = true, "
     ".base_momentum = 0.8, .max_momentum = 0.9"),
    ("radam_one_cycle", "RAdam", dict(lr=0.01), lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=STEPS),
     ".kind = OptimizerKind::radam, .lr = 0.01, .beta1 = 0.95",
     ".kind = ScheduleKind::one_cycle, .unit = ScheduleUnit::step, .max_lr = 0.1, .total_steps = 25, .cycle_momentum = true, "
     ".base_momentum = 0.85, .max_momentum = 0.95"),
]


def trajectory(torch_class, kwargs, make_scheduler):
    x = torch.tensor(X, dtype=torch.float64)
    y = torch.tensor(Y, dtype=torch.float64)
    params = [torch.tensor(W0, dtype=torch.float64, requires_grad=True),
              torch.tensor(B0, dtype=torch.float64, requires_grad=True)]
    optimizer = getattr(torch.optim, torch_class)(params, **kwargs)
    scheduler = make_scheduler(optimizer)
    out = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        residual = x @ params[0] + params[1] - y
        (0.5 * (residual ** 2).mean()).backward()
        optimizer.step()
        scheduler.step()
        out.append([p.detach().tolist() for p in params])
    return out


def main():
    lines = [
        "// Trajectories of golden_momentum_cycle.py (torch.optim under OneCycleLR / CyclicLR with",
        f"// cycle_momentum, float64), generated with torch {torch.__version__} -- do not edit; re-run",
        "// `/usr/bin/python3 tests/optim/golden_momentum_cycle.py`.",
        "#pragma once", "", "#include <vector>", "", '#include "optim/options.hpp"', '#include "optim/schedule.hpp"', "",
        "namespace nnlab::golden_momentum_cycle {", "",
        "// 0.5 * mean((X w + b - y)^2) from w = initial_w, b = initial_b.",
        "inline const std::vector<std::vector<double>> x = {" + ", ".join(numbers(r) for r in X) + "};",
        f"inline const std::vector<double> y = {numbers(Y)};",
        f"inline const std::vector<double> initial_w = {numbers(W0)};",
        f"inline const std::vector<double> initial_b = {numbers(B0)};", "",
        "struct Case {", "  const char* name;", "  OptimizerOptions options;", "  ScheduleSpec schedule;",
        "  std::vector<std::vector<std::vector<double>>> expected;  // [step][w, b][element], after the step", "};", "",
        "inline const std::vector<Case>& cases() {", "  static const std::vector<Case> all = {",
    ]
    for name, torch_class, kwargs, make_scheduler, options, schedule in CASES:
        steps = trajectory(torch_class, kwargs, make_scheduler)
        lines.append(f'      {{"{name}", {{{options}}}, {{{schedule}}}, {{')
        for w, b in steps:
            lines.append(f"          {{{numbers(w)}, {numbers(b)}}},")
        lines.append("      }},")
    lines += ["  };", "  return all;", "}", "", "}  // namespace nnlab::golden_momentum_cycle", ""]
    path = pathlib.Path(__file__).with_name("golden_momentum_cycle.hpp")
    path.write_text("\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

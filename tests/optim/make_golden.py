#!/usr/bin/python3
"""Writes golden_values.hpp: parameter trajectories of torch.optim on fixed gradients.

Each case runs one torch.optim optimiser on two float32 parameters (a "weight" in layer 0
and a "bias" in layer 1) for a few steps, feeding gradients from fixed lists and setting
each param group's learning rate per step (base rate x the layer's multiplier), and records
the parameters after every step. optim_golden_test.cpp feeds the same gradients to nnlab's
optimisers and compares. Run with the python that has torch:

    /usr/bin/python3 tests/optim/make_golden.py
"""

import pathlib
import random

import torch

STEPS = 4
RADAM_STEPS = 10  # RAdam's rectification switches on once rho_t > 5, at step 6 for these betas

# (name, torch class, torch keyword arguments, nnlab options, steps, layer multipliers, per-step rate factors)
# nnlab options are written as C++ designated initialisers, in OptimizerOptions' declaration order.
CASES = [
    ("sgd_plain", "SGD", dict(lr=0.1), dict(kind="sgd", lr=0.1), STEPS, None, [1.0, 0.5, 0.25, 2.0]),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9), dict(kind="sgd", lr=0.1, momentum=0.9), STEPS, None, None),
    ("sgd_nesterov_wd", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
     dict(kind="sgd", lr=0.05, weight_decay=0.01, momentum=0.9, nesterov=True), STEPS, None, None),
    ("sgd_dampening_wd", "SGD", dict(lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0.05),
     dict(kind="sgd", lr=0.1, weight_decay=0.05, momentum=0.8, dampening=0.3), STEPS, [1.0, 3.0], None),
    ("adagrad_defaults", "Adagrad", dict(lr=0.01), dict(kind="adagrad", lr=0.01, eps=1e-10), STEPS, None, None),
    ("adagrad_decay_wd", "Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.02, initial_accumulator_value=0.1),
     dict(kind="adagrad", lr=0.1, weight_decay=0.02, eps=1e-10, lr_decay=0.05, initial_accumulator_value=0.1),
     STEPS, None, [1.0, 0.9, 0.8, 0.7]),
    ("adadelta", "Adadelta", dict(lr=1.0), dict(kind="adadelta", lr=1.0, eps=1e-6, rho=0.9), STEPS, None, None),
    ("adadelta_wd", "Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1),
     dict(kind="adadelta", lr=0.5, weight_decay=0.1, eps=1e-5, rho=0.8), STEPS, None, None),
    ("rmsprop_plain", "RMSprop", dict(lr=0.01), dict(kind="rmsprop", lr=0.01, eps=1e-8, alpha=0.99), STEPS, None, None),
    ("rmsprop_momentum_wd", "RMSprop", dict(lr=0.01, momentum=0.9, weight_decay=0.01),
     dict(kind="rmsprop", lr=0.01, weight_decay=0.01, momentum=0.9, eps=1e-8, alpha=0.99), STEPS, None, None),
    ("rmsprop_centered", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True),
     dict(kind="rmsprop", lr=0.01, momentum=0.5, eps=1e-8, alpha=0.9, centered=True), STEPS, None, None),
    ("adam", "Adam", dict(lr=0.01), dict(kind="adam", lr=0.01), STEPS, None, None),
    ("adam_amsgrad_wd", "Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
     dict(kind="adam", lr=0.01, weight_decay=0.1, beta1=0.8, beta2=0.99, amsgrad=True), STEPS, None, None),
    ("adamw", "AdamW", dict(lr=0.01, weight_decay=0.1), dict(kind="adamw", lr=0.01, weight_decay=0.1), STEPS, None,
     None),
    ("adamw_amsgrad_layers", "AdamW", dict(lr=0.02, amsgrad=True, eps=1e-6),
     dict(kind="adamw", lr=0.02, weight_decay=0.01, amsgrad=True, eps=1e-6), STEPS, [1.0, 0.5], [1.0, 0.5, 2.0, 1.0]),
    ("radam", "RAdam", dict(lr=0.01), dict(kind="radam", lr=0.01), RADAM_STEPS, None, None),
    ("radam_wd", "RAdam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1),
     dict(kind="radam", lr=0.01, weight_decay=0.1, beta1=0.8, beta2=0.99), RADAM_STEPS, None, None),
]

OPTION_ORDER = ["kind", "lr", "weight_decay", "momentum", "dampening", "nesterov", "beta1", "beta2", "amsgrad", "eps",
                "alpha", "centered", "rho", "lr_decay", "initial_accumulator_value", "layer_lr_multipliers"]

SHAPES = [[4], [2]]  # per member: layer 0 weight, layer 1 bias (the C++ test prepends P = 1)


def f32(x):
    return float(torch.tensor(x, dtype=torch.float32))


def literal(x):
    return "{:.9e}f".format(x)


def float_list(values):
    return "{" + ", ".join(literal(v) for v in values) + "}"


def cpp_value(key, value):
    if key == "kind":
        return "OptimizerKind::" + value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "{" + ", ".join(repr(float(v)) for v in value) + "}"
    return repr(float(value))


def run_case(rng, torch_class, torch_kwargs, steps, multipliers, rate_factors):
    multipliers = multipliers or [1.0, 1.0]
    rate_factors = rate_factors or [1.0] * steps
    initial = [[f32(rng.uniform(-1, 1)) for _ in range(shape[0])] for shape in SHAPES]
    gradients = []
    for step in range(steps):
        per_parameter = []
        for shape in SHAPES:
            values = [f32(rng.uniform(-2, 2)) for _ in range(shape[0])]
            if step == 2:
                values[0] = 0.0  # a zero gradient: exercises decay of moments and amsgrad's max
            per_parameter.append(values)
        gradients.append(per_parameter)

    params = [torch.tensor(values, dtype=torch.float32, requires_grad=True) for values in initial]
    base_lr = torch_kwargs["lr"]
    groups = [{"params": [p], "lr": base_lr * multipliers[i]} for i, p in enumerate(params)]
    optimizer = getattr(torch.optim, torch_class)(groups, foreach=False, **torch_kwargs)
    learning_rates, expected = [], []
    for step in range(steps):
        rate = base_lr * rate_factors[step]
        learning_rates.append(rate)
        for i, group in enumerate(optimizer.param_groups):
            group["lr"] = rate * multipliers[i]
        for p, g in zip(params, gradients[step]):
            p.grad = torch.tensor(g, dtype=torch.float32)
        optimizer.step()
        expected.append([p.detach().tolist() for p in params])
    return initial, gradients, learning_rates, expected


def main():
    rng = random.Random(20240611)
    out = []
    out.append("// Golden trajectories of torch.optim on fixed gradients, for optim_golden_test.cpp.")
    out.append("// generated by make_golden.py with torch {} -- HINT: do not edit; re-run".format(torch.__version__))
    out.append("// `/usr/bin/python3 tests/optim/make_golden.py` after changing the cases.")
    out.append("#pragma once")
    out.append("")
    out.append("#include <vector>")
    out.append("")
    out.append('#include "optim/options.hpp"')
    out.append("")
    out.append("namespace nnlab::golden {")
    out.append("")
    out.append('inline constexpr const char* torch_version = "{}";'.format(torch.__version__))
    out.append("")
    out.append("struct Case {")
    out.append("  const char* name;")
    out.append("  OptimizerOptions options;  // layer_lr_multipliers apply per parameter's layer_index")
    out.append("  std::vector<int> layer_index;                           // per parameter")
    out.append("  std::vector<std::vector<float>> initial;                // [parameter][element]")
    out.append("  std::vector<double> learning_rates;                     // [step], before the layer multiplier")
    out.append("  std::vector<std::vector<std::vector<float>>> gradients;  // [step][parameter][element]")
    out.append("  std::vector<std::vector<std::vector<float>>> expected;   // [step][parameter][element], after it")
    out.append("};")
    out.append("")
    out.append("inline const std::vector<Case>& cases() {")
    out.append("  static const std::vector<Case> all = {")
    for name, torch_class, torch_kwargs, options, steps, multipliers, rate_factors in CASES:
        initial, gradients, learning_rates, expected = run_case(rng, torch_class, torch_kwargs, steps, multipliers,
                                                                 rate_factors)
        if multipliers:
            options = dict(options, layer_lr_multipliers=multipliers)
        unknown = set(options) - set(OPTION_ORDER)
        assert not unknown, unknown
        fields = ", ".join(".{} = {}".format(k, cpp_value(k, options[k])) for k in OPTION_ORDER if k in options)
        out.append("      {")
        out.append('          .name = "{}",'.format(name))
        out.append("          .options = {{{}}},".format(fields))
        out.append("          .layer_index = {0, 1},")
        out.append("          .initial = {{{}}},".format(", ".join(float_list(v) for v in initial)))
        out.append("          .learning_rates = {{{}}},".format(", ".join(repr(r) for r in learning_rates)))
        out.append("          .gradients = {")
        for step in gradients:
            out.append("              {{{}}},".format(", ".join(float_list(v) for v in step)))
        out.append("          },")
        out.append("          .expected = {")
        for step in expected:
            out.append("              {{{}}},".format(", ".join(float_list(v) for v in step)))
        out.append("          },")
        out.append("      },")
    out.append("  };")
    out.append("  return all;")
    out.append("}")
    out.append("")
    out.append("}  // namespace nnlab::golden")
    target = pathlib.Path(__file__).with_name("golden_values.hpp")
    target.write_text("\n".join(out) + "\n")
    print("wrote", target)


if __name__ == "__main__":
    main()

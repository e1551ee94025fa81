"""Renders the chat templates here as transformers' apply_chat_template renders them (its Jinja
environment: ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and loopcontrols, its
raise_exception, tojson and strftime_now), for the conversations below; writes expected.json.
Run once with Python 3 and jinja2 (`python3 make_expected.py`); the tests read expected.json.
"""
import json
from datetime import datetime
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.exceptions import TemplateError


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)

SPECIALS = {"qwen3": {"eos_token": "<|im_end|>", "bos_token": None},
            "qwen2": {"eos_token": "<|im_end|>", "bos_token": None},
            "llama3": {"eos_token": "<|eot_id|>", "bos_token": "<|begin_of_text|>"}}
Q = "A 2 kg cart is pushed with 6 N.\nWhat is its acceleration? Put the answer in \\boxed{}."
CASES = [
    {"messages": [{"role": "user", "content": Q}], "add_generation_prompt": True},
    {"messages": [{"role": "system", "content": "You grade physics."}, {"role": "user", "content": Q}],
     "add_generation_prompt": True},
    {"messages": [{"role": "user", "content": "  Héllo — ünïcode  "}], "add_generation_prompt": True,
     "enable_thinking": False},
    {"messages": [{"role": "user", "content": Q},
                  {"role": "assistant", "content": "<think>\nF = m a\n</think>\n\na = \\boxed{3 m/s^2}"},
                  {"role": "user", "content": "And with 8 N?"}], "add_generation_prompt": True},
    {"messages": [{"role": "user", "content": Q},
                  {"role": "assistant", "content": "<think>\nF = m a\n</think>\n\na = \\boxed{3 m/s^2}"}],
     "add_generation_prompt": False},
    # content is data, never template code: braces, raw blocks and comments reach the prompt as written
    {"messages": [{"role": "system", "content": "Rubric: {# criterion #} weight {{ w }}; {% if x %}"},
                  {"role": "user", "content": "Show \\frac{{a}}{{b}} = {{ not_a_variable }}, {% raw %}x{% endraw %}"
                                              " and {% raw %} alone, {# a comment #}, {%- endif %}.\tEnd"}],
     "add_generation_prompt": True},
]

out = []
for name in ["qwen3", "llama3", "qwen2"]:
    template = env.from_string(open(name + ".jinja").read())
    for i, case in enumerate(CASES):
        kwargs = dict(SPECIALS[name])
        kwargs.update({k: v for k, v in case.items() if k != "messages"})
        text = template.render(messages=case["messages"], **kwargs)
        out.append({"template": name, "case": i, **case, **SPECIALS[name], "expected": text})
json.dump(out, open("expected.json", "w"), ensure_ascii=False, indent=1)
print(len(out), "renderings")

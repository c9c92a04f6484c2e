"""Every stage that dispatches on an operator has one entry per opcode, and no other:
a new opcode cannot be built by the checker and then fall through a stage unhandled."""
import pytest

from symcheck.engines import codegen
from symcheck.explicit import evaluator
from symcheck.front.ir import Opcode
from symcheck.report import explain
from symcheck.smt import expr

TABLES = {"smt encoder": expr.OPERATORS, "explicit evaluator": evaluator.OPERATORS, "printer": explain.PRINTERS,
          "explicit engine's code generator": codegen.OPERATORS}


@pytest.mark.parametrize("stage", sorted(TABLES))
def test_each_table_covers_every_opcode_and_nothing_else(stage):
    table = TABLES[stage]
    missing = [o.name for o in Opcode if o not in table]
    extra = [k for k in table if not isinstance(k, Opcode)]
    assert not missing, f"the {stage} has no rule for {missing}"
    assert not extra, f"the {stage} has entries that are not opcodes: {extra}"


def test_opcodes_have_distinct_spellings():
    """The value is how an operator reads in claims and messages: two opcodes never share one."""
    spellings = [o.value for o in Opcode]
    assert len(spellings) == len(set(spellings))


def test_the_size_estimate_counts_the_encoders_scalars():
    """`front.size.value_width` (the size limit, checked before encoding) counts the Z3
    scalars `smt.symbolic.fresh` builds for a value: the front end cannot import the
    encoder, so this test keeps the two layouts in step, on every type of every claim."""
    from conftest import CLAIMS
    from symcheck.front.claims import catalog, load_model
    from symcheck.front.size import value_width
    from symcheck.smt.symbolic import fresh, labels, leaves

    types = {}
    for entry in catalog(CLAIMS).values():
        model = load_model(entry)
        for _name, t in model.variables:
            types[str(t), repr(t)] = t
        for c in model.constants:
            types[str(c.type), repr(c.type)] = c.type
    assert len(types) > 20
    for t in types.values():
        assert value_width(t) == len(leaves(fresh("v", t))) == len(labels("v", t)), t

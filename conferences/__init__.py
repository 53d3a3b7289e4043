"""Child protection conferences, for IRO services that also chair them (docs/rules.md#child-protection)."""

"""plans services, split by subject. Import from the submodule that owns the rule, e.g.
`from plans.services.blocks import block_create`."""

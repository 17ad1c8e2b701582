"""WTForms forms, one module per area. Forms parse and shape input; services hold the rules."""

"""China customs' cross-border e-commerce (CEB) XML messages: their schemas, a validator for any
CEB message (the XSD, then the rules its documentation states but cannot express), and the
export messages Silkpost writes from its declarations (CEB303, CEB505, CEB603, CEB701).

XML lives here, at the edge: the domain's rules (line totals, GB 11643, inventory numbers, the
bonded regime) are called, never copied.
"""

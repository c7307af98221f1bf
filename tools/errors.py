"""The one exception type the command line reports without a traceback."""


class UserError(Exception):
    """A problem the user can fix: bad input, a missing file. The message names the file and the fault."""

# try / except / finally. Exception handling adds instructions with no source position
# at all (compiler-generated cleanup): select one in the bytecode pane and the status line
# says so.


def divide(a, b):
    try:
        result = a / b
    except ZeroDivisionError as error:
        print("cannot divide:", error)
        result = None
    else:
        print("no error")
    finally:
        print("done dividing", a, "by", b)
    return result


divide(10, 2)
divide(1, 0)

# A class with methods and a decorator. A class body is a code object of its own, run once
# to build the namespace; each method is another code object inside it.
import functools


def logged(func):
    """A decorator: wrap func so each call is printed."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        print(f"calling {func.__name__}{args[1:]}")
        return func(*args, **kwargs)

    return wrapper


class Account:
    interest = 0.02  # a class attribute: STORE_NAME in the class body

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance

    @logged
    def deposit(self, amount):
        self.balance += amount
        return self.balance

    @property
    def yearly_interest(self):
        return self.balance * self.interest


acct = Account("Ada", 100)
acct.deposit(50)
print(acct.owner, acct.balance, acct.yearly_interest)

@security @negative
Feature: A user manager invites people, but cannot take a colleague's account
  User guide 1.1 step 1, from the inviter's side: FAMHP Connect's "Users" tab lets a user manager invite people
  and send a pending invitation again. An active colleague's account is theirs alone: a user manager cannot
  remove, disable or re-invite it, and inviting their address again changes nothing and answers as for anybody
  (inviting does not tell whether an address has an account).

  Background:
    Given an onboarded external user with the role "user manager" in their organisation
    And an active colleague in their organisation
    And they have signed in to the IAM External Portal
    And they have opened the "Users" tab of FAMHP Connect from the dashboard

  Scenario: A user manager cannot remove an active colleague
    When they look up their colleague in the "Users" tab
    Then their colleague is listed as "Active"
    And nothing on their colleague's entry removes, disables or re-invites them

  Scenario: Inviting an active colleague's address again changes nothing and reveals nothing
    When they invite their colleague's e-mail address
    Then FAMHP Connect says an invitation was sent to that address
    And their colleague is still listed as "Active"
